package io.zmqws.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.RawWebSocket;
import io.zmqws.testsupport.WsClient;
import io.zmqws.testsupport.ZmqBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under the CLOSE overflow policy a client that cannot keep up is closed with 1008, and
 * the gateway carries on for everyone else.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "zmqws.session.outbound-capacity=16", "zmqws.session.overflow-policy=close" })
class SlowClientClosePolicyIntegrationTests {

	private static final String FEED = FreePorts.tcp();

	private static final ZmqBackend feed = ZmqBackend.pub(FEED);

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.feed.type", () -> "SUB");
		registry.add("zmqws.endpoints.feed.address", () -> FEED);
	}

	/**
	 * A later subscription on the same SUB socket reaches the publisher after the earlier
	 * ones, so once the witness receives, the slow client's subscription is active too.
	 */
	private static void awaitPublisherKnowsSubscriptions(WsClient witness) {
		witness.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"feed\"}");
		witness.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"warm\"}");
		witness.awaitOp("subscribed", null);
		feed.publishUntil(List.of("warm".getBytes(StandardCharsets.UTF_8)), () -> witness.received()
			.stream()
			.anyMatch((m) -> m.path("op").asString().equals("message")), Duration.ofSeconds(60));
	}

	@AfterAll
	static void stopBackend() {
		feed.close();
	}

	@Test
	void clientThatCannotKeepUpIsClosedWith1008() {
		try (RawWebSocket slow = RawWebSocket.connect(this.port, "/zmqws", "zmqws.v1.json");
				WsClient witness = WsClient.connect(this.port)) {
			slow.sendText("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"feed\"}");
			slow.sendText("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"big.data\"}");
			while (!WsClient.JSON.readTree(slow.readFrame().text()).path("op").asString().equals("subscribed")) {
				// welcome and opened come first
			}
			awaitPublisherKnowsSubscriptions(witness);
			byte[] padding = "x".repeat(32 * 1024).getBytes(StandardCharsets.UTF_8);
			for (int i = 0; i < 600; i++) {
				feed.publish(List.of("big.data".getBytes(StandardCharsets.UTF_8), padding));
			}
			// The hub routes in order: once the witness has the marker, every data message
			// has been offered to the slow client, which has not read a byte of them.
			feed.publish(List.of("warm.end".getBytes(StandardCharsets.UTF_8)));
			witness.await((m) -> m.path("frames").path(0).asString().equals("warm.end"), Duration.ofSeconds(20));
			RawWebSocket.Frame frame;
			do {
				frame = slow.readFrame();
			}
			while (frame.opcode() != RawWebSocket.CLOSE);
			assertThat(frame.closeCode()).isEqualTo(1008);
		}
		try (WsClient other = WsClient.connect(this.port)) {
			other.send("{\"op\":\"ping\",\"id\":1}");
			assertThat(other.awaitOp("pong", 1L)).isNotNull();
		}
	}

}
