package io.zmqws.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import io.zmqws.testsupport.FreePorts;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every denial path of the gateway behind Spring Security: each asserts the exact error
 * or refusal, and that nothing reached the ZeroMQ backend or the method.
 */
@SpringBootTest(classes = SecuredGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SecurityIntegrationTests {

	private static final String ECHO = FreePorts.tcp();

	private static final String QUOTES = FreePorts.tcp();

	private static final ZmqBackend echo = ZmqBackend.echo(ECHO);

	private static final ZmqBackend quotes = ZmqBackend.xpub(QUOTES);

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.echo.type", () -> "REQ");
		registry.add("zmqws.endpoints.echo.address", () -> ECHO);
		registry.add("zmqws.endpoints.echo.access", () -> "hasRole('TRADER')");
		registry.add("zmqws.endpoints.quotes.type", () -> "SUB");
		registry.add("zmqws.endpoints.quotes.address", () -> QUOTES);
		registry.add("zmqws.endpoints.quotes.access", () -> "isAuthenticated()");
		registry.add("zmqws.endpoints.quotes.topics[0].prefix", () -> "FX.");
		registry.add("zmqws.endpoints.quotes.topics[0].access", () -> "hasRole('TRADER')");
		registry.add("zmqws.endpoints.quotes.topics[1].prefix", () -> "NEWS.");
		registry.add("zmqws.endpoints.quotes.topics[1].access", () -> "isAuthenticated()");
		registry.add("zmqws.security.paths[0].pattern", () -> "/desk/**");
		registry.add("zmqws.security.paths[0].access", () -> "hasRole('TRADER')");
		registry.add("zmqws.security.paths[1].pattern", () -> "/public/**");
		registry.add("zmqws.security.paths[1].access", () -> "isAuthenticated()");
		registry.add("zmqws.security.methods[0].pattern", () -> "desk.*");
		registry.add("zmqws.security.methods[0].access", () -> "isAuthenticated()");
	}

	@AfterAll
	static void stopBackends() {
		echo.close();
		quotes.close();
	}

	@Test
	void noCredentialsIsRefusedAtTheHandshake() {
		assertThatThrownBy(() -> WsClient.connect(this.port)).hasStackTraceContaining("401");
	}

	@Test
	void wrongPasswordIsRefusedAtTheHandshake() {
		assertThatThrownBy(() -> WsClient.connect(this.port, basic("alice", "wrong"))).hasStackTraceContaining("401");
	}

	@Test
	void badTokenIsRefusedAtTheHandshake() {
		assertThatThrownBy(() -> WsClient.connect(this.port, Map.of("Authorization", "Bearer not.a.jwt")))
			.hasStackTraceContaining("401");
	}

	@Test
	void expiredTokenIsRefusedAtTheHandshake() {
		String expired = SecuredGatewayApplication.token("alice", Instant.now().minusSeconds(600), "TRADER");
		assertThatThrownBy(() -> WsClient.connect(this.port, Map.of("Authorization", "Bearer " + expired)))
			.hasStackTraceContaining("401");
	}

	@Test
	void tokenAsQueryParameterAuthenticatesTheConnection() {
		String token = SecuredGatewayApplication.token("carol", Instant.now().plusSeconds(600), "TRADER");
		try (WsClient client = WsClient.connect(
				java.net.URI.create("ws://127.0.0.1:" + this.port + "/zmqws?access_token=" + token), "zmqws.v1.json")) {
			client.send("{\"op\":\"call\",\"id\":1,\"method\":\"desk.whoAmI\"}");
			assertThat(client.awaitOp("result", 1L).path("value").asString()).isEqualTo("carol");
		}
	}

	@Test
	void foreignOriginWithValidCredentialsIsRefused() {
		Map<String, String> headers = new java.util.HashMap<>(basic("alice", "alice-pw"));
		headers.put("Origin", "https://evil.example");
		assertThatThrownBy(() -> WsClient.connect(this.port, headers)).hasStackTraceContaining("403");
	}

	@Test
	void authenticationReachesRpcMethods() {
		try (WsClient alice = WsClient.connect(this.port, basic("alice", "alice-pw"))) {
			assertThat(alice.awaitOp("welcome", null).path("user").asString()).isEqualTo("alice");
			alice.send("{\"op\":\"call\",\"id\":1,\"method\":\"desk.whoAmI\"}");
			assertThat(alice.awaitOp("result", 1L).path("value").asString()).isEqualTo("alice");
		}
	}

	@Test
	void endpointNotAllowedIsForbiddenAndNothingReachesTheBackend() {
		int before = echo.received().size();
		try (WsClient bob = WsClient.connect(this.port, basic("bob", "bob-pw"))) {
			bob.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"echo\"}");
			bob.send("{\"op\":\"request\",\"sid\":1,\"id\":1,\"frames\":[\"sneaky\"]}");
			JsonNode denied = bob.await((m) -> m.path("failedOp").asString().equals("open"));
			assertThat(denied.path("code").asString()).isEqualTo("forbidden");
			assertThat(bob.awaitOp("error", 1L).path("code").asString()).isEqualTo("unknown_socket");
		}
		assertThat(echo.received()).hasSize(before);
		assertThat(SecuredGatewayApplication.deniedEvents).anyMatch((event) -> event.getObject() instanceof AccessRequest.Endpoint e
				&& e.name().equals("echo") && event.getAuthentication().get().getName().equals("bob"));
	}

	@Test
	void unknownEndpointIsForbiddenLikeADeniedOne() {
		try (WsClient alice = WsClient.connect(this.port, basic("alice", "alice-pw"))) {
			alice.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"secret-backend\"}");
			assertThat(alice.await((m) -> m.path("op").asString().equals("error")).path("code").asString())
				.isEqualTo("forbidden");
		}
	}

	@Test
	void allowedEndpointWorks() {
		try (WsClient alice = WsClient.connect(this.port, basic("alice", "alice-pw"))) {
			alice.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"echo\"}");
			alice.awaitOp("opened", null);
			for (long id = 1;; id++) {
				alice.send("{\"op\":\"request\",\"sid\":1,\"id\":" + id + ",\"frames\":[\"hi\"]}");
				long expected = id;
				JsonNode answer = alice.await((m) -> m.path("id").asLong(-1) == expected);
				if (answer.path("op").asString().equals("reply")) {
					break;
				}
				assertThat(answer.path("code").asString()).isEqualTo("backend_unavailable");
			}
		}
	}

	@Test
	void topicNotAllowedIsForbiddenAndNeverSubscribedUpstream() {
		try (WsClient bob = WsClient.connect(this.port, basic("bob", "bob-pw"))) {
			bob.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"quotes\"}");
			bob.awaitOp("opened", null);
			bob.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"FX.EURUSD\"}");
			bob.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"CRYPTO.\"}");
			bob.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"NEWS.\"}");
			bob.await((m) -> m.path("op").asString().equals("subscribed"));
			assertThat(bob.received().stream().filter((m) -> m.path("code").asString().equals("forbidden")))
				.hasSize(2);
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> quotes.received().stream().anyMatch((f) -> text(f).equals("\u0001NEWS.")));
			assertThat(quotes.received()).noneMatch((f) -> text(f).contains("FX.") || text(f).contains("CRYPTO."));
		}
	}

	@Test
	void pathNotAllowedIsForbidden() {
		try (WsClient bob = WsClient.connect(this.port, basic("bob", "bob-pw"))) {
			bob.send("{\"op\":\"subscribe\",\"path\":\"/desk/orders\"}");
			bob.send("{\"op\":\"subscribe\",\"path\":\"/elsewhere\"}");
			bob.send("{\"op\":\"subscribe\",\"path\":\"/public/news\"}");
			bob.await((m) -> m.path("op").asString().equals("subscribed")
					&& m.path("path").asString().equals("/public/news"));
			assertThat(bob.received().stream().filter((m) -> m.path("code").asString().equals("forbidden")))
				.hasSize(2);
		}
	}

	@Test
	void rpcMethodNotAllowedIsForbiddenAndNotInvoked() {
		int before = SecuredGatewayApplication.Admin.calls.get();
		try (WsClient alice = WsClient.connect(this.port, basic("alice", "alice-pw"))) {
			alice.send("{\"op\":\"call\",\"id\":1,\"method\":\"admin.shutdown\"}");
			alice.send("{\"op\":\"call\",\"id\":2,\"method\":\"admin.nonexistent\"}");
			assertThat(alice.awaitOp("error", 1L).path("code").asString()).isEqualTo("forbidden");
			assertThat(alice.awaitOp("error", 2L).path("code").asString()).isEqualTo("forbidden");
			alice.send("{\"op\":\"methods\"}");
			JsonNode methods = alice.awaitOp("methods", null).path("methods");
			assertThat(methods.toString()).contains("desk.quote").doesNotContain("admin.");
		}
		assertThat(SecuredGatewayApplication.Admin.calls.get()).isEqualTo(before);
	}

	@Test
	void preAuthorizeOnAnArgumentDecidesPerCall() {
		int before = SecuredGatewayApplication.Desk.quotes.get();
		try (WsClient bob = WsClient.connect(this.port, basic("bob", "bob-pw"));
				WsClient alice = WsClient.connect(this.port, basic("alice", "alice-pw"))) {
			bob.send("{\"op\":\"call\",\"id\":1,\"method\":\"desk.quote\",\"args\":[\"BTC\"]}");
			bob.send("{\"op\":\"call\",\"id\":2,\"method\":\"desk.quote\",\"args\":[\"EUR\"]}");
			alice.send("{\"op\":\"call\",\"id\":3,\"method\":\"desk.quote\",\"args\":[\"BTC\"]}");
			assertThat(bob.awaitOp("error", 1L).path("code").asString()).isEqualTo("forbidden");
			assertThat(bob.awaitOp("result", 2L).path("value").asString()).isEqualTo("EUR=1.0");
			assertThat(alice.awaitOp("result", 3L).path("value").asString()).isEqualTo("BTC=1.0");
		}
		assertThat(SecuredGatewayApplication.Desk.quotes.get()).isEqualTo(before + 2);
	}

	@Test
	void preAuthorizeOnAMethodReturningMonoWorksWithImperativeMethodSecurity() {
		try (WsClient bob = WsClient.connect(this.port, basic("bob", "bob-pw"));
				WsClient alice = WsClient.connect(this.port, basic("alice", "alice-pw"))) {
			bob.send("{\"op\":\"call\",\"id\":1,\"method\":\"desk.book\"}");
			alice.send("{\"op\":\"call\",\"id\":2,\"method\":\"desk.book\"}");
			assertThat(bob.awaitOp("error", 1L).path("code").asString()).isEqualTo("forbidden");
			assertThat(alice.awaitOp("result", 2L).path("value").asString()).isEqualTo("the order book");
		}
	}

	private static Map<String, String> basic(String user, String password) {
		return Map.of("Authorization", "Basic "
				+ Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
	}

	private static String text(java.util.List<byte[]> frames) {
		return new String(frames.get(0), StandardCharsets.UTF_8);
	}

}
