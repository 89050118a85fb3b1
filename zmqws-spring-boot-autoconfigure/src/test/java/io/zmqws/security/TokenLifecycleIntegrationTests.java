package io.zmqws.security;

import java.time.Instant;
import java.util.Map;

import io.zmqws.pubsub.ZmqwsTemplate;
import io.zmqws.testsupport.WsClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credentials that end while connected: an expiring JWT closes the connection with 1008
 * unless the client refreshes it in-band, which keeps its subscriptions.
 */
@SpringBootTest(classes = SecuredGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "zmqws.security.paths[0].pattern=/**", "zmqws.security.paths[0].access=isAuthenticated()",
				"zmqws.security.methods[0].pattern=desk.*", "zmqws.security.methods[0].access=isAuthenticated()",
				"zmqws.session.max-connections-per-user=2" })
class TokenLifecycleIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	ZmqwsTemplate template;

	@Test
	void expiringTokenClosesTheConnectionWith1008() {
		String token = SecuredGatewayApplication.token("dave", Instant.now().plusSeconds(2), "USER");
		try (WsClient client = WsClient.connect(this.port, Map.of("Authorization", "Bearer " + token))) {
			client.send("{\"op\":\"call\",\"id\":1,\"method\":\"desk.whoAmI\"}");
			assertThat(client.awaitOp("result", 1L).path("value").asString()).isEqualTo("dave");
			assertThat(client.awaitClose().code()).isEqualTo(1008);
		}
	}

	@Test
	void refreshingTheTokenInBandKeepsTheConnectionAndItsSubscriptions() {
		String token = SecuredGatewayApplication.token("erin", Instant.now().plusSeconds(2), "USER");
		try (WsClient client = WsClient.connect(this.port, Map.of("Authorization", "Bearer " + token))) {
			client.send("{\"op\":\"subscribe\",\"path\":\"/news\"}");
			client.awaitOp("subscribed", null);
			String fresh = SecuredGatewayApplication.token("erin", Instant.now().plusSeconds(600), "USER");
			client.send("{\"op\":\"auth\",\"token\":\"" + fresh + "\"}");
			JsonNode authenticated = client.awaitOp("authenticated", null);
			assertThat(authenticated.path("user").asString()).isEqualTo("erin");
			assertThat(authenticated.path("expiresAt").asLong()).isGreaterThan(Instant.now().getEpochSecond() + 500);
			org.awaitility.Awaitility.await()
				.pollDelay(java.time.Duration.ofSeconds(3))
				.atMost(java.time.Duration.ofSeconds(10))
				.until(() -> true);
			assertThat(client.isClosed()).isFalse();
			assertThat(this.template.publish("/news/today", "still here")).isGreaterThanOrEqualTo(1);
			assertThat(client.awaitOp("event", null).path("data").asString()).isEqualTo("still here");
		}
	}

	@Test
	void tokenForAnotherUserIsRefused() {
		String token = SecuredGatewayApplication.token("frank", Instant.now().plusSeconds(600), "USER");
		try (WsClient client = WsClient.connect(this.port, Map.of("Authorization", "Bearer " + token))) {
			String other = SecuredGatewayApplication.token("mallory", Instant.now().plusSeconds(600), "TRADER");
			client.send("{\"op\":\"auth\",\"token\":\"" + other + "\"}");
			client.send("{\"op\":\"auth\",\"token\":\"garbage\"}");
			assertThat(client.awaitCount((m) -> m.path("code").asString().equals("unauthenticated"), 2,
					java.time.Duration.ofSeconds(30)))
				.hasSize(2);
			client.send("{\"op\":\"call\",\"id\":1,\"method\":\"desk.whoAmI\"}");
			assertThat(client.awaitOp("result", 1L).path("value").asString()).isEqualTo("frank");
		}
	}

	@Test
	void connectionsPerUserAreLimited() {
		String token = SecuredGatewayApplication.token("gina", Instant.now().plusSeconds(600), "USER");
		Map<String, String> headers = Map.of("Authorization", "Bearer " + token);
		try (WsClient first = WsClient.connect(this.port, headers);
				WsClient second = WsClient.connect(this.port, headers)) {
			first.awaitOp("welcome", null);
			second.awaitOp("welcome", null);
			try (WsClient third = WsClient.connect(this.port, headers)) {
				assertThat(third.awaitClose().code()).isEqualTo(1008);
			}
		}
	}

}
