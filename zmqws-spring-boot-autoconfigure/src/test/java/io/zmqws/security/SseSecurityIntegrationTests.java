package io.zmqws.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.SseClient;
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

/**
 * The HTTP fallback behind Spring Security: the same authentication and authorization as
 * the WebSocket, sessions bound to their user, and no CSRF token needed for the
 * gateway's own requests while the application's other requests keep needing one.
 */
@SpringBootTest(classes = SecuredGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SseSecurityIntegrationTests {

	private static final String ECHO = FreePorts.tcp();

	private static final ZmqBackend echo = ZmqBackend.echo(ECHO);

	private static final Map<String, String> ALICE = basic("alice", "alice-pw");

	private static final Map<String, String> BOB = basic("bob", "bob-pw");

	@LocalServerPort
	int port;

	private final HttpClient http = HttpClient.newHttpClient();

	private URI base;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.echo.type", () -> "REQ");
		registry.add("zmqws.endpoints.echo.address", () -> ECHO);
		registry.add("zmqws.endpoints.echo.access", () -> "hasRole('TRADER')");
	}

	@AfterAll
	static void stopBackend() {
		echo.close();
	}

	@BeforeEach
	void base() {
		this.base = URI.create("http://127.0.0.1:" + this.port + "/zmqws");
	}

	@Test
	void streamNeedsCredentials() {
		try (SseClient anonymous = SseClient.open(this.http, this.base, Map.of())) {
			assertThat(anonymous.status()).isEqualTo(401);
		}
		try (SseClient wrong = SseClient.open(this.http, this.base, basic("alice", "nope"))) {
			assertThat(wrong.status()).isEqualTo(401);
		}
	}

	@Test
	void accessRulesApplyAsOnTheWebSocket() {
		int before = echo.received().size();
		try (SseClient bob = SseClient.open(this.http, this.base, BOB);
				SseClient alice = SseClient.open(this.http, this.base, ALICE)) {
			assertThat(bob.awaitOp("welcome", null).path("user").asString()).isEqualTo("bob");
			assertThat(alice.awaitOp("welcome", null).path("user").asString()).isEqualTo("alice");
			assertThat(bob.post("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"echo\"}",
					"{\"op\":\"request\",\"sid\":1,\"id\":1,\"frames\":[\"sneaky\"]}")).isEqualTo(204);
			JsonNode denied = bob.await((m) -> m.path("failedOp").asString().equals("open"));
			assertThat(denied.path("code").asString()).isEqualTo("forbidden");
			assertThat(bob.awaitOp("error", 1L).path("code").asString()).isEqualTo("unknown_socket");
			assertThat(echo.received()).hasSize(before);
			assertThat(alice.post("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"echo\"}")).isEqualTo(204);
			assertThat(alice.awaitOp("opened", null).path("endpoint").asString()).isEqualTo("echo");
		}
	}

	@Test
	void sessionIsBoundToTheUserWhoOpenedIt() throws Exception {
		try (SseClient alice = SseClient.open(this.http, this.base, ALICE)) {
			String session = alice.awaitOp("welcome", null).path("session").asString();
			HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(this.base + "/sse/" + session))
				.header("Zmqws-Seq", "1")
				.POST(HttpRequest.BodyPublishers.ofString("{\"op\":\"ping\",\"id\":1}"));
			BOB.forEach(post::header);
			assertThat(send(post)).isEqualTo(403);
			HttpRequest.Builder delete = HttpRequest.newBuilder(URI.create(this.base + "/sse/" + session)).DELETE();
			BOB.forEach(delete::header);
			assertThat(send(delete)).isEqualTo(403);
			try (SseClient stolen = SseClient.resume(this.http, this.base, session + ":1", BOB)) {
				assertThat(stolen.status()).isEqualTo(403);
			}
			assertThat(alice.post("{\"op\":\"ping\",\"id\":1}")).isEqualTo(204);
			assertThat(alice.awaitOp("pong", 1L)).isNotNull();
		}
	}

	@Test
	void gatewayPostsNeedNoCsrfTokenButOtherPostsStillDo() throws Exception {
		try (SseClient alice = SseClient.open(this.http, this.base, ALICE)) {
			alice.awaitOp("welcome", null);
			assertThat(alice.post("{\"op\":\"ping\",\"id\":1}")).isEqualTo(204);
		}
		HttpRequest.Builder elsewhere = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/other"))
			.POST(HttpRequest.BodyPublishers.ofString("x"));
		ALICE.forEach(elsewhere::header);
		assertThat(send(elsewhere)).as("a POST without a CSRF token").isEqualTo(403);
		HttpRequest.Builder get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/other"));
		ALICE.forEach(get::header);
		assertThat(send(get)).as("the same request as GET, which needs no token").isEqualTo(404);
	}

	private int send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private static Map<String, String> basic(String user, String password) {
		return Map.of("Authorization", "Basic "
				+ Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
	}

}
