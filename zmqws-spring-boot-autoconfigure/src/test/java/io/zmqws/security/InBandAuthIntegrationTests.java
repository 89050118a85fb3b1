package io.zmqws.security;

import java.time.Instant;
import java.util.Map;

import io.zmqws.testsupport.WsClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections opened anonymously that authenticate with an in-band {@code auth} token: they
 * take the token's user, and count against that user's connection limit like connections
 * authenticated at the handshake.
 */
@SpringBootTest(classes = SecuredGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "test.anonymous-handshake=true", "zmqws.security.methods[0].pattern=desk.*",
				"zmqws.security.methods[0].access=isAuthenticated()", "zmqws.session.max-connections-per-user=2" })
class InBandAuthIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void anonymousConnectionBecomesTheTokensUser() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.awaitOp("welcome", null);
			client.send("{\"op\":\"call\",\"id\":1,\"method\":\"desk.whoAmI\"}");
			assertThat(client.awaitOp("error", 1L).path("code").asString()).isEqualTo("forbidden");
			client.send("{\"op\":\"auth\",\"token\":\"" + token("hank") + "\"}");
			assertThat(client.awaitOp("authenticated", null).path("user").asString()).isEqualTo("hank");
			client.send("{\"op\":\"call\",\"id\":2,\"method\":\"desk.whoAmI\"}");
			assertThat(client.awaitOp("result", 2L).path("value").asString()).isEqualTo("hank");
		}
	}

	@Test
	void inBandAuthBeyondTheUsersConnectionLimitIsRefusedAndTheConnectionStaysAnonymous() {
		Map<String, String> headers = Map.of("Authorization", "Bearer " + token("ivy"));
		try (WsClient first = WsClient.connect(this.port, headers);
				WsClient second = WsClient.connect(this.port, headers);
				WsClient third = WsClient.connect(this.port)) {
			first.awaitOp("welcome", null);
			second.awaitOp("welcome", null);
			third.awaitOp("welcome", null);
			third.send("{\"op\":\"auth\",\"token\":\"" + token("ivy") + "\"}");
			JsonNode refused = third.awaitOp("error", null);
			assertThat(refused.path("code").asString()).isEqualTo("limit_exceeded");
			assertThat(refused.path("failedOp").asString()).isEqualTo("auth");
			third.send("{\"op\":\"call\",\"id\":1,\"method\":\"desk.whoAmI\"}");
			assertThat(third.awaitOp("error", 1L).path("code").asString()).isEqualTo("forbidden");
			assertThat(third.isClosed()).isFalse();
		}
	}

	@Test
	void inBandAuthedConnectionsCountForLaterHandshakes() {
		try (WsClient first = WsClient.connect(this.port); WsClient second = WsClient.connect(this.port)) {
			first.awaitOp("welcome", null);
			second.awaitOp("welcome", null);
			first.send("{\"op\":\"auth\",\"token\":\"" + token("jack") + "\"}");
			second.send("{\"op\":\"auth\",\"token\":\"" + token("jack") + "\"}");
			first.awaitOp("authenticated", null);
			second.awaitOp("authenticated", null);
			try (WsClient third = WsClient.connect(this.port, Map.of("Authorization", "Bearer " + token("jack")))) {
				assertThat(third.awaitClose().code()).isEqualTo(1008);
			}
		}
	}

	private static String token(String user) {
		return SecuredGatewayApplication.token(user, Instant.now().plusSeconds(600), "USER");
	}

}
