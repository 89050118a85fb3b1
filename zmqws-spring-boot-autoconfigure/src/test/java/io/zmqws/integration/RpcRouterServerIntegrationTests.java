package io.zmqws.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.zmqws.rpc.RpcRouterServer;
import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.WsClient;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code @ZmqRpc} methods served on a ROUTER socket to a JeroMQ DEALER client:
 * long streams arrive whole, and calls end when they fail or their client goes away.
 */
@SpringBootTest(classes = { GatewayTestApplication.class, RpcTestServices.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RpcRouterServerIntegrationTests {

	private static final String ADDRESS = FreePorts.tcp();

	@Autowired
	RpcRouterServer server;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("zmqws.rpc.bind", () -> ADDRESS);
	}

	@Test
	void longStreamArrivesWholeAndInOrder() {
		try (ZMQ.Context context = ZMQ.context(1); ZMQ.Socket dealer = context.socket(SocketType.DEALER)) {
			dealer.setLinger(0);
			dealer.setReceiveTimeOut(30_000);
			// Bounds JeroMQ 0.6.0's occasional stalled handshake on a connecting socket.
			dealer.setHandshakeIvl(1000);
			dealer.connect(ADDRESS);
			dealer.send("{\"id\":\"big\",\"method\":\"streams.count\",\"args\":[30000]}");
			for (int expected = 1; expected <= 30000; expected++) {
				byte[] frame = dealer.recv(0);
				assertThat(frame).as("item %d within the receive timeout", expected).isNotNull();
				JsonNode answer = WsClient.JSON.readTree(new String(frame, StandardCharsets.UTF_8));
				assertThat(answer.path("item").asInt()).as("item %d", expected).isEqualTo(expected);
			}
			assertThat(receive(dealer).path("done").asBoolean()).isTrue();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.activeCalls() == 0);
	}

	@Test
	void failedCallsAreForgotten() {
		try (ZMQ.Context context = ZMQ.context(1); ZMQ.Socket dealer = context.socket(SocketType.DEALER)) {
			dealer.setLinger(0);
			dealer.setReceiveTimeOut(30_000);
			// Bounds JeroMQ 0.6.0's occasional stalled handshake on a connecting socket.
			dealer.setHandshakeIvl(1000);
			dealer.connect(ADDRESS);
			for (int i = 0; i < 5; i++) {
				dealer.send("{\"id\":" + i + ",\"method\":\"calc.divide\",\"args\":[1,0]}");
				assertThat(receive(dealer).path("error").path("code").asString()).isEqualTo("division_by_zero");
			}
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.server.activeCalls() == 0);
	}

	@Test
	void streamsOfAClientThatWentAwayAreCancelled() {
		try (ZMQ.Context context = ZMQ.context(1); ZMQ.Socket dealer = context.socket(SocketType.DEALER)) {
			dealer.setLinger(0);
			dealer.setReceiveTimeOut(30_000);
			// Bounds JeroMQ 0.6.0's occasional stalled handshake on a connecting socket.
			dealer.setHandshakeIvl(1000);
			dealer.connect(ADDRESS);
			dealer.send("{\"id\":1,\"method\":\"streams.forever\"}");
			assertThat(receive(dealer).has("item")).isTrue();
			assertThat(this.server.activeCalls()).isEqualTo(1);
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> this.server.activeCalls() == 0);
	}

	@Test
	void duplicateIdInFlightIsRefused() {
		try (ZMQ.Context context = ZMQ.context(1); ZMQ.Socket dealer = context.socket(SocketType.DEALER)) {
			dealer.setLinger(0);
			dealer.setReceiveTimeOut(30_000);
			// Bounds JeroMQ 0.6.0's occasional stalled handshake on a connecting socket.
			dealer.setHandshakeIvl(1000);
			dealer.connect(ADDRESS);
			dealer.send("{\"id\":\"s\",\"method\":\"streams.forever\"}");
			assertThat(receive(dealer).has("item")).isTrue();
			dealer.send("{\"id\":\"s\",\"method\":\"calc.add\",\"args\":[1,2]}");
			JsonNode answer;
			do {
				answer = receive(dealer);
			}
			while (answer.has("item"));
			assertThat(answer.path("error").path("code").asString()).isEqualTo("duplicate_id");
			dealer.send("{\"id\":\"s\",\"cancel\":true}");
		}
	}

	private static JsonNode receive(ZMQ.Socket dealer) {
		byte[] frame = dealer.recv(0);
		assertThat(frame).as("an answer within the receive timeout").isNotNull();
		return WsClient.JSON.readTree(new String(frame, StandardCharsets.UTF_8));
	}

}
