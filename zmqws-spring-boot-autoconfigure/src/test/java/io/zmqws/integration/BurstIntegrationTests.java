package io.zmqws.integration;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.RawWebSocket;
import io.zmqws.testsupport.SseClient;
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
 * A client that reads everything it is sent keeps its connection however many messages
 * it sends at once, over WebSocket and over the HTTP fallback: the server stops reading
 * from it while its answers wait to be written, instead of queueing answers past the
 * outbound capacity and closing the connection as if the client could not keep up.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "zmqws.session.outbound-capacity=16", "zmqws.session.max-pending-requests=8",
				"zmqws.session.max-messages-per-second=0" })
class BurstIntegrationTests {

	private static final int BURST = 5_000;

	private static final String ECHO = FreePorts.tcp();

	private static final ZmqBackend echo = ZmqBackend.echo(ECHO);

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.echo.type", () -> "REQ");
		registry.add("zmqws.endpoints.echo.address", () -> ECHO);
	}

	@AfterAll
	static void stopBackend() {
		echo.close();
	}

	@Test
	void everyPingOfABurstIsAnsweredInOrder() throws Exception {
		try (RawWebSocket client = RawWebSocket.connect(this.port, "/zmqws", "zmqws.v1.json")) {
			List<String> pings = new ArrayList<>(BURST);
			for (int i = 0; i < BURST; i++) {
				pings.add("{\"op\":\"ping\",\"id\":" + i + "}");
			}
			CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> client.sendTexts(pings));
			for (int i = 0; i < BURST; i++) {
				JsonNode answer = next(client);
				assertThat(answer.path("op").asString()).as("answer %d", i).isEqualTo("pong");
				assertThat(answer.path("id").asInt()).isEqualTo(i);
			}
			sent.get(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void everyRequestOfABurstOverThePendingLimitGetsOneAnswer() throws Exception {
		try (RawWebSocket client = RawWebSocket.connect(this.port, "/zmqws", "zmqws.v1.json")) {
			client.sendText("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"echo\"}");
			assertThat(next(client).path("op").asString()).isEqualTo("opened");
			awaitBackend(client);
			List<String> requests = new ArrayList<>(BURST);
			for (int i = 0; i < BURST; i++) {
				requests.add("{\"op\":\"request\",\"sid\":1,\"id\":" + i + ",\"frames\":[\"" + i + "\"]}");
			}
			CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> client.sendTexts(requests));
			boolean[] answered = new boolean[BURST];
			int replies = 0;
			for (int i = 0; i < BURST; i++) {
				JsonNode answer = next(client);
				int id = answer.path("id").asInt();
				assertThat(answered[id]).as("a second answer to %d: %s", id, answer).isFalse();
				answered[id] = true;
				if (answer.path("op").asString().equals("reply")) {
					assertThat(answer.path("frames").get(0).asString()).isEqualTo(Integer.toString(id));
					replies++;
				}
				else {
					assertThat(answer.path("op").asString()).as("answer to %d", id).isEqualTo("error");
					assertThat(answer.path("code").asString()).isEqualTo("limit_exceeded");
				}
			}
			assertThat(replies).as("requests within the pending limit are answered").isGreaterThanOrEqualTo(8);
			sent.get(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void everyPingOfAPostedBatchIsAnsweredOnTheEventStream() {
		URI base = URI.create("http://127.0.0.1:" + this.port + "/zmqws");
		try (SseClient client = SseClient.open(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), base, Map.of())) {
			client.awaitOp("welcome", null);
			String[] pings = IntStream.range(0, BURST)
				.mapToObj((i) -> "{\"op\":\"ping\",\"id\":" + i + "}")
				.toArray(String[]::new);
			assertThat(client.post(pings)).isEqualTo(204);
			List<JsonNode> pongs = client.awaitCount((m) -> m.path("op").asString().equals("pong"), BURST);
			for (int i = 0; i < BURST; i++) {
				assertThat(pongs.get(i).path("id").asInt()).isEqualTo(i);
			}
			assertThat(client.ended()).isFalse();
		}
	}

	/** Sends requests until one is answered with a reply (the backend is connected). */
	private static void awaitBackend(RawWebSocket client) {
		for (int attempt = 0;; attempt++) {
			client.sendText("{\"op\":\"request\",\"sid\":1,\"id\":" + (1_000_000 + attempt) + ",\"frames\":[\"up\"]}");
			JsonNode answer = next(client);
			if (answer.path("op").asString().equals("reply")) {
				return;
			}
			assertThat(answer.path("code").asString()).isEqualTo("backend_unavailable");
			assertThat(attempt).as("the backend connects").isLessThan(200);
			sleepBriefly();
		}
	}

	/**
	 * The next message, past keep-alive pings (not answered: a pong could interleave with
	 * the burst being written); a close frame fails the test.
	 */
	private static JsonNode next(RawWebSocket client) {
		while (true) {
			RawWebSocket.Frame frame = client.readFrame();
			if (frame.opcode() == RawWebSocket.PING) {
				continue;
			}
			assertThat(frame.opcode()).as("connection closed: %s", (frame.opcode() == RawWebSocket.CLOSE)
					? frame.closeCode() + " " + new String(frame.payload(), 2, frame.payload().length - 2) : "")
				.isEqualTo(RawWebSocket.TEXT);
			return WsClient.JSON.readTree(frame.text());
		}
	}

	private static void sleepBriefly() {
		try {
			Thread.sleep(25);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
