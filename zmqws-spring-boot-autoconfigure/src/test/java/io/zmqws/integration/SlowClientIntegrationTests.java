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
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that stops reading does not delay one that reads, and loses only published
 * messages, counted, under the default DROP_OLDEST policy.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "zmqws.session.outbound-capacity=64")
class SlowClientIntegrationTests {

	static final int MESSAGE_SIZE = 32 * 1024;

	static final int BATCHES = 10;

	static final int BATCH = 50;

	private static final String FEED = FreePorts.tcp();

	private static final ZmqBackend feed = ZmqBackend.pub(FEED);

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.feed.type", () -> "SUB");
		registry.add("zmqws.endpoints.feed.address", () -> FEED);
	}

	@AfterAll
	static void stopBackend() {
		feed.close();
	}

	@Test
	void slowClientDoesNotDelayFastOneAndLearnsHowManyMessagesItLost() {
		try (WsClient fast = WsClient.connect(this.port);
				RawWebSocket slow = RawWebSocket.connect(this.port, "/zmqws", "zmqws.v1.json")) {
			slow.sendText("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"feed\"}");
			slow.sendText("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"big.\"}");
			assertThat(readUntil(slow, "subscribed").path("topic").asString()).isEqualTo("big.");
			fast.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"feed\"}");
			fast.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"big.\"}");
			fast.awaitOp("subscribed", null);
			warmUp(fast);

			String padding = "x".repeat(MESSAGE_SIZE);
			for (int batch = 0; batch < BATCHES; batch++) {
				for (int i = 0; i < BATCH; i++) {
					int sequence = batch * BATCH + i;
					feed.publish(List.of("big.data".getBytes(StandardCharsets.UTF_8),
							Integer.toString(sequence).getBytes(StandardCharsets.UTF_8),
							padding.getBytes(StandardCharsets.UTF_8)));
				}
				int last = (batch + 1) * BATCH - 1;
				fast.await((m) -> isData(m) && m.path("frames").get(1).asInt() == last, Duration.ofSeconds(20));
			}
			List<JsonNode> received = fast.received().stream().filter(SlowClientIntegrationTests::isData).toList();
			assertThat(received).hasSize(BATCHES * BATCH);
			for (int i = 0; i < received.size(); i++) {
				assertThat(received.get(i).path("frames").get(1).asInt()).isEqualTo(i);
				assertThat(received.get(i).has("dropped")).isFalse();
			}

			long dropped = 0;
			int delivered = 0;
			while (delivered + dropped < BATCHES * BATCH) {
				JsonNode message = WsClient.JSON.readTree(slow.readFrame().text());
				if (isData(message)) {
					delivered++;
					dropped += message.path("dropped").asLong(0);
				}
			}
			assertThat(dropped).isPositive();
			assertThat(delivered).isLessThan(BATCHES * BATCH);
		}
	}

	private static void warmUp(WsClient fast) {
		feed.publishUntil(List.of("big.warmup".getBytes(StandardCharsets.UTF_8)), () -> fast.received()
			.stream()
			.anyMatch((m) -> m.path("op").asString().equals("message")), Duration.ofSeconds(60));
	}

	private static JsonNode readUntil(RawWebSocket client, String op) {
		while (true) {
			RawWebSocket.Frame frame = client.readFrame();
			assertThat(frame.opcode()).isEqualTo(RawWebSocket.TEXT);
			JsonNode message = WsClient.JSON.readTree(frame.text());
			if (message.path("op").asString().equals(op)) {
				return message;
			}
		}
	}

	private static boolean isData(JsonNode message) {
		return message.path("op").asString().equals("message")
				&& message.path("frames").get(0).asString().equals("big.data");
	}

}
