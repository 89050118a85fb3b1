package io.zmqws.integration;

import java.net.URI;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.Msgpack;
import io.zmqws.testsupport.WsClient;
import io.zmqws.testsupport.ZmqBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that brings its own {@code zmqwsWebSocketService} gets Spring's own
 * WebSocket sessions, on which the gateway sends through {@code WebSocketSession.send}
 * rather than writing Netty frames itself: both encodings still work end to end.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(CustomWebSocketServiceIntegrationTests.SpringsOwnUpgrade.class)
class CustomWebSocketServiceIntegrationTests {

	private static final String ECHO = FreePorts.tcp();

	private static final ZmqBackend echo = ZmqBackend.echo(ECHO);

	@LocalServerPort
	int port;

	@Autowired
	WebSocketService zmqwsWebSocketService;

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
	void theApplicationsServiceUpgradesTheConnections() {
		assertThat(this.zmqwsWebSocketService).isInstanceOfSatisfying(HandshakeWebSocketService.class,
				(service) -> assertThat(service.getUpgradeStrategy()).isInstanceOf(ReactorNettyRequestUpgradeStrategy.class));
	}

	@Test
	void jsonRequestIsAnsweredInTextFrames() {
		try (WsClient client = WsClient.connect(this.port)) {
			JsonNode reply = client.requestWhenConnected(1, "echo", "hello");
			assertThat(reply.path("op").asString()).isEqualTo("reply");
			assertThat(reply.path("frames").get(0).asString()).isEqualTo("hello");
		}
	}

	@Test
	void messagePackRequestIsAnsweredInBinaryFrames() {
		try (WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + this.port + "/zmqws"),
				"zmqws.v1.msgpack")) {
			assertThat(client.awaitOp("welcome", null).path("protocol").asString()).isEqualTo("zmqws.v1.msgpack");
			client.sendBinary(Msgpack.pack(Map.of("op", "open", "sid", 1, "endpoint", "echo")));
			client.awaitOp("opened", null);
			JsonNode reply = null;
			for (long id = 1; reply == null; id++) {
				client.sendBinary(Msgpack.pack(Map.of("op", "request", "sid", 1, "id", id, "frames",
						List.of("bytes".getBytes()))));
				long expected = id;
				JsonNode answer = client.await((m) -> m.path("id").asLong(-1) == expected);
				if (answer.path("op").asString().equals("reply")) {
					reply = answer;
				}
			}
			assertThat(reply.path("frames").get(0).path("bin").asString())
				.isEqualTo(Base64.getEncoder().encodeToString("bytes".getBytes()));
		}
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SpringsOwnUpgrade {

		@Bean
		WebSocketService zmqwsWebSocketService() {
			return new HandshakeWebSocketService(new ReactorNettyRequestUpgradeStrategy());
		}

	}

}
