package io.zmqws.integration;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.SseClient;
import io.zmqws.testsupport.WsClient;
import io.zmqws.testsupport.ZmqBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP fallback end to end with a real HTTP client (the JDK's, over HTTP/1.1): an
 * event stream for server messages, numbered POST batches for client messages, resume
 * after a broken stream, and every refusal.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SseTransportIntegrationTests {

	private static final String ECHO = FreePorts.tcp();

	private static final ZmqBackend echo = ZmqBackend.echo(ECHO);

	private static final String OPEN_ECHO = "{\"op\":\"open\",\"sid\":1,\"endpoint\":\"echo\"}";

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private URI base;

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.echo.type", () -> "REQ");
		registry.add("zmqws.endpoints.echo.address", () -> ECHO);
		registry.add("zmqws.sse.replay-size", () -> "8");
		registry.add("zmqws.sse.resume-timeout", () -> "3s");
		registry.add("zmqws.sse.max-batch-size", () -> "64KB");
		registry.add("zmqws.websocket.max-frame-size", () -> "16KB");
		registry.add("zmqws.websocket.ping-interval", () -> "200ms");
		registry.add("zmqws.websocket.allowed-origins", () -> "https://app.example");
	}

	@AfterAll
	static void stopBackend() {
		echo.close();
	}

	@BeforeEach
	void base() {
		this.base = URI.create("http://127.0.0.1:" + this.port + "/zmqws");
	}

	private SseClient open() {
		SseClient client = SseClient.open(this.http, this.base, Map.of());
		client.awaitOp("welcome", null);
		return client;
	}

	@Test
	void streamStartsWithWelcomeNamingTheTransport() {
		try (SseClient client = open()) {
			assertThat(client.status()).isEqualTo(200);
			assertThat(client.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
			assertThat(client.response().headers().firstValue("Content-Type")).hasValueSatisfying(
					(type) -> assertThat(type).startsWith("text/event-stream"));
			assertThat(client.response().headers().firstValue("Cache-Control")).hasValue("no-store");
			JsonNode welcome = client.messages().get(0);
			assertThat(welcome.path("op").asString()).isEqualTo("welcome");
			assertThat(welcome.path("transport").asString()).isEqualTo("sse");
			assertThat(welcome.path("http").asString()).isEqualTo("1.1");
			assertThat(welcome.path("protocol").asString()).isEqualTo("zmqws.v1.json");
			assertThat(client.events().get(0).id()).isEqualTo(welcome.path("session").asString() + ":1");
		}
	}

	@Test
	void requestsInPostedBatchesAreAnsweredOnTheStreamInOrder() {
		try (SseClient client = open()) {
			assertThat(client.post(OPEN_ECHO)).isEqualTo(204);
			client.awaitOp("opened", null);
			long first = client.awaitBackend(1, 1, "probe");
			String[] requests = LongStream.range(first, first + 20)
				.mapToObj((i) -> "{\"op\":\"request\",\"sid\":1,\"id\":" + i + ",\"frames\":[\"hello " + i + "\"]}")
				.toArray(String[]::new);
			assertThat(client.post(requests)).isEqualTo(204);
			List<JsonNode> replies = client.awaitCount(
					(m) -> m.path("op").asString().equals("reply") && m.path("id").asLong() >= first, 20);
			for (int i = 0; i < 20; i++) {
				assertThat(replies.get(i).path("id").asLong()).isEqualTo(first + i);
				assertThat(replies.get(i).path("frames").get(0).asString()).isEqualTo("hello " + (first + i));
			}
			List<SseClient.Event> events = client.events();
			for (int i = 0; i < events.size(); i++) {
				assertThat(events.get(i).id()).endsWith(":" + (i + 1));
			}
		}
	}

	@Test
	void repeatedBatchNumberIsAcceptedButHandledOnce() {
		try (SseClient client = open()) {
			byte[] ping = "{\"op\":\"ping\",\"id\":7}".getBytes(StandardCharsets.UTF_8);
			assertThat(client.post(1, ping, "application/x-ndjson")).isEqualTo(204);
			assertThat(client.post(1, ping, "application/x-ndjson")).isEqualTo(204);
			assertThat(client.post(2, "{\"op\":\"ping\",\"id\":8}".getBytes(StandardCharsets.UTF_8),
					"application/x-ndjson")).isEqualTo(204);
			client.awaitOp("pong", 8L);
			assertThat(client.messages()).filteredOn((m) -> m.path("op").asString().equals("pong"))
				.extracting((m) -> m.path("id").asLong())
				.containsExactly(7L, 8L);
		}
	}

	@Test
	void skippedOrMissingBatchNumbersAreRefused() {
		try (SseClient client = open()) {
			byte[] ping = "{\"op\":\"ping\",\"id\":1}".getBytes(StandardCharsets.UTF_8);
			assertThat(client.post(2, ping, "application/x-ndjson")).isEqualTo(409);
			assertThat(client.post(0, ping, "application/x-ndjson")).isEqualTo(400);
			assertThat(client.post(1, ping, "application/x-ndjson")).isEqualTo(204);
			client.awaitOp("pong", 1L);
		}
	}

	@Test
	void badMessageInABatchIsReportedAndTheOthersAreHandled() {
		try (SseClient client = open()) {
			assertThat(client.post("{\"op\":\"ping\",\"id\":1}", "{not json", "{\"op\":\"ping\",\"id\":2}"))
				.isEqualTo(204);
			client.awaitOp("pong", 2L);
			assertThat(client.messages()).anyMatch((m) -> m.path("op").asString().equals("error")
					&& m.path("code").asString().equals("bad_message"));
			assertThat(client.messages()).filteredOn((m) -> m.path("op").asString().equals("pong")).hasSize(2);
		}
	}

	@Test
	void messageOverTheSizeLimitIsRefusedWithItsCode() {
		try (SseClient client = open()) {
			String big = "{\"op\":\"ping\",\"id\":1,\"pad\":\"" + "x".repeat(20_000) + "\"}";
			assertThat(client.post(big, "{\"op\":\"ping\",\"id\":2}")).isEqualTo(204);
			client.awaitOp("pong", 2L);
			assertThat(client.messages()).anyMatch((m) -> m.path("code").asString().equals("message_too_large"));
			assertThat(client.messages()).noneMatch((m) -> m.path("op").asString().equals("pong")
					&& m.path("id").asLong() == 1);
		}
	}

	@Test
	void batchOverTheBatchLimitGets413AndIsNotHandled() {
		try (SseClient client = open()) {
			String ping = "{\"op\":\"ping\",\"id\":1}";
			String[] many = new String[4000];
			java.util.Arrays.fill(many, ping);
			assertThat(client.post(many)).isEqualTo(413);
			assertThat(client.post(2, "{\"op\":\"ping\",\"id\":9}".getBytes(StandardCharsets.UTF_8),
					"application/x-ndjson")).isEqualTo(409);
			assertThat(client.post(1, "{\"op\":\"ping\",\"id\":9}".getBytes(StandardCharsets.UTF_8),
					"application/x-ndjson")).isEqualTo(204);
			client.awaitOp("pong", 9L);
			assertThat(client.messages()).noneMatch((m) -> m.path("op").asString().equals("pong")
					&& m.path("id").asLong() == 1);
		}
	}

	@Test
	void brokenStreamResumesWithWhatTheClientMissed() {
		SseClient first = open();
		String welcomeId = first.lastEventId();
		first.disconnect();
		assertThat(first.post("{\"op\":\"ping\",\"id\":1}", "{\"op\":\"ping\",\"id\":2}")).isEqualTo(204);
		try (SseClient resumed = SseClient.resume(this.http, this.base, welcomeId, Map.of())) {
			assertThat(resumed.status()).isEqualTo(200);
			resumed.awaitOp("pong", 2L);
			assertThat(resumed.messages()).extracting((m) -> m.path("op").asString()).containsExactly("pong", "pong");
			assertThat(resumed.events().get(0).id()).isEqualTo(first.session() + ":2");
			assertThat(resumed.post(2, "{\"op\":\"ping\",\"id\":3}".getBytes(StandardCharsets.UTF_8),
					"application/x-ndjson")).isEqualTo(204);
			resumed.awaitOp("pong", 3L);
		}
	}

	@Test
	void resumeWithTheQueryParameterWorksLikeTheHeader() {
		SseClient first = open();
		String welcomeId = first.lastEventId();
		first.disconnect();
		first.post("{\"op\":\"ping\",\"id\":5}");
		try (SseClient resumed = SseClient.open(this.http, this.base, "?resume=" + welcomeId, Map.of(),
				WsClient.JSON::readTree)) {
			assertThat(resumed.awaitOp("pong", 5L)).isNotNull();
		}
	}

	@Test
	void resumeBeyondTheRetainedEventsGets404AndEndsTheSession() {
		SseClient first = open();
		String welcomeId = first.lastEventId();
		String[] pings = IntStream.rangeClosed(1, 20).mapToObj((i) -> "{\"op\":\"ping\",\"id\":" + i + "}")
			.toArray(String[]::new);
		first.post(pings);
		first.awaitOp("pong", 20L);
		first.disconnect();
		try (SseClient resumed = SseClient.resume(this.http, this.base, welcomeId, Map.of())) {
			assertThat(resumed.status()).isEqualTo(404);
		}
		await().untilAsserted(() -> assertThat(first.post("{\"op\":\"ping\",\"id\":21}")).isEqualTo(404));
	}

	@Test
	void sessionEndsWhenNoStreamComesBackInTime() {
		SseClient client = open();
		client.disconnect();
		await().untilAsserted(() -> assertThat(client.post("{\"op\":\"ping\",\"id\":1}")).isIn(404));
		try (SseClient resumed = SseClient.resume(this.http, this.base, client.session() + ":1", Map.of())) {
			assertThat(resumed.status()).isEqualTo(404);
		}
	}

	@Test
	void newStreamForTheSameSessionReplacesTheOldOne() {
		try (SseClient first = open()) {
			String welcomeId = first.lastEventId();
			try (SseClient second = SseClient.resume(this.http, this.base, welcomeId, Map.of())) {
				assertThat(second.status()).isEqualTo(200);
				first.awaitEnd();
				second.post("{\"op\":\"ping\",\"id\":1}");
				second.awaitOp("pong", 1L);
			}
		}
	}

	@Test
	void deleteEndsTheSessionWithANormalCloseEvent() {
		try (SseClient client = open()) {
			assertThat(client.delete()).isEqualTo(204);
			SseClient.Event close = client.awaitEvent((e) -> "close".equals(e.name()));
			JsonNode reason = WsClient.JSON.readTree(close.data());
			assertThat(reason.path("code").asInt()).isEqualTo(1000);
			client.awaitEnd();
			assertThat(client.post("{\"op\":\"ping\"}")).isEqualTo(404);
			assertThat(client.delete()).isEqualTo(404);
		}
	}

	@Test
	void streamGetsKeepAliveComments() {
		try (SseClient client = open()) {
			await().until(() -> client.comments().contains(": ping"));
		}
	}

	@Test
	void unknownSessionsAndProtocolsAreRefused() throws Exception {
		java.net.http.HttpRequest post = java.net.http.HttpRequest
			.newBuilder(URI.create(this.base + "/sse/no-such-session"))
			.header("Zmqws-Seq", "1")
			.POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"op\":\"ping\"}"))
			.build();
		assertThat(this.http.send(post, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode())
			.isEqualTo(404);
		try (SseClient client = SseClient.open(this.http, this.base, "?protocol=zmqws.v9.xml", Map.of(),
				WsClient.JSON::readTree)) {
			assertThat(client.status()).isEqualTo(400);
		}
		try (SseClient client = SseClient.resume(this.http, this.base, "nobody:1", Map.of())) {
			assertThat(client.status()).isEqualTo(404);
		}
		try (SseClient client = SseClient.resume(this.http, this.base, "garbage", Map.of())) {
			assertThat(client.status()).isEqualTo(400);
		}
	}

	@Test
	void foreignOriginIsRefused() {
		try (SseClient client = SseClient.open(this.http, this.base, "", Map.of("Origin", "https://evil.example"),
				WsClient.JSON::readTree)) {
			assertThat(client.status()).isEqualTo(403);
		}
	}

	@Test
	void allowedOtherOriginGetsCorsForTheStreamAndThePosts() throws Exception {
		try (SseClient client = SseClient.open(this.http, this.base, "", Map.of("Origin", "https://app.example"),
				WsClient.JSON::readTree)) {
			assertThat(client.status()).isEqualTo(200);
			assertThat(client.response().headers().firstValue("Access-Control-Allow-Origin"))
				.hasValue("https://app.example");
			client.awaitOp("welcome", null);
			java.net.http.HttpRequest preflight = java.net.http.HttpRequest
				.newBuilder(URI.create(this.base + "/sse/" + client.session()))
				.method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
				.header("Origin", "https://app.example")
				.header("Access-Control-Request-Method", "POST")
				.header("Access-Control-Request-Headers", "zmqws-seq, content-type")
				.build();
			java.net.http.HttpResponse<Void> answer = this.http.send(preflight,
					java.net.http.HttpResponse.BodyHandlers.discarding());
			assertThat(answer.statusCode()).isEqualTo(200);
			assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
			assertThat(answer.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(
					(methods) -> assertThat(methods).contains("POST"));
		}
	}

	@Test
	void webSocketClientsAreToldTheirTransport() {
		try (WsClient client = WsClient.connect(this.port)) {
			JsonNode welcome = client.awaitOp("welcome", null);
			assertThat(welcome.path("transport").asString()).isEqualTo("websocket");
			assertThat(welcome.path("http").asString()).isEqualTo("1.1");
		}
	}

}
