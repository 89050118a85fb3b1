package io.zmqws.integration;

import java.net.URI;
import java.util.List;

import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.RawWebSocket;
import io.zmqws.testsupport.WsClient;
import io.zmqws.testsupport.ZmqBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input gets a stable error code, the connection stays usable where the protocol can
 * continue, and other clients never notice.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "zmqws.websocket.max-frame-size=4KB", "zmqws.session.max-sockets=3",
				"zmqws.session.max-subscriptions=2" })
class BadInputIntegrationTests {

	private static final String ECHO = FreePorts.tcp();

	private static final String TICKER = FreePorts.tcp();

	private static final String SINK = FreePorts.tcp();

	private static final ZmqBackend echo = ZmqBackend.echo(ECHO);

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.echo.type", () -> "REQ");
		registry.add("zmqws.endpoints.echo.address", () -> ECHO);
		registry.add("zmqws.endpoints.echo.max-message-size", () -> "1KB");
		registry.add("zmqws.endpoints.ticker.type", () -> "SUB");
		registry.add("zmqws.endpoints.ticker.address", () -> TICKER);
		registry.add("zmqws.endpoints.sink.type", () -> "PUSH");
		registry.add("zmqws.endpoints.sink.address", () -> SINK);
	}

	@AfterAll
	static void stopBackends() {
		echo.close();
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', quoteCharacter = '`', value = {
			"not json at all                                              | bad_message",
			"[1,2,3]                                                      | bad_message",
			"`\"just a string\"`                                          | bad_message",
			"{\"sid\":1}                                                  | missing_field",
			"{\"op\":42}                                                  | invalid_field",
			"{\"op\":\"fly\",\"sid\":1}                                   | unknown_op",
			"{\"op\":\"open\",\"sid\":1}                                  | missing_field",
			"{\"op\":\"open\",\"sid\":-1,\"endpoint\":\"echo\"}           | invalid_field",
			"{\"op\":\"open\",\"sid\":\"one\",\"endpoint\":\"echo\"}      | invalid_field",
			"{\"op\":\"open\",\"sid\":1,\"endpoint\":\"tcp://10.0.0.1:1\"} | unknown_endpoint",
			"{\"op\":\"open\",\"sid\":1,\"endpoint\":\"nope\"}            | unknown_endpoint",
			"{\"op\":\"request\",\"sid\":99,\"id\":1,\"frames\":[\"x\"]}  | unknown_socket",
			"{\"op\":\"request\",\"sid\":1,\"frames\":[\"x\"]}            | missing_field",
			"{\"op\":\"request\",\"sid\":1,\"id\":1,\"frames\":[]}        | invalid_field",
			"{\"op\":\"request\",\"sid\":1,\"id\":1,\"frames\":[1]}       | invalid_field",
			"{\"op\":\"request\",\"sid\":1,\"id\":1,\"frames\":[{\"base64\":\"%%%\"}]} | invalid_field",
			"{\"op\":\"request\",\"sid\":1,\"id\":1,\"timeout\":-5,\"frames\":[\"x\"]} | invalid_field",
			"{\"op\":\"close\",\"sid\":42}                                | unknown_socket" })
	void badMessageGetsStableErrorAndConnectionStaysUsable(String message, String code) {
		try (WsClient client = WsClient.connect(this.port)) {
			client.awaitOp("welcome", null);
			client.send(message);
			JsonNode error = client.awaitOp("error", null);
			assertThat(error.path("code").asString()).isEqualTo(code);
			assertThat(error.path("message").asString()).isNotBlank();
			assertStillUsable(client, 2);
		}
	}

	@Test
	void errorNamesTheFailedOperationSocketAndRequest() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"request\",\"sid\":5,\"id\":77,\"frames\":[\"x\"]}");
			JsonNode error = client.awaitOp("error", 77L);
			assertThat(error.path("failedOp").asString()).isEqualTo("request");
			assertThat(error.path("sid").asLong()).isEqualTo(5);
			assertThat(error.path("code").asString()).isEqualTo("unknown_socket");
		}
	}

	@Test
	void wrongSocketTypeForTheOperation() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"ticker\"}");
			client.send("{\"op\":\"request\",\"sid\":1,\"id\":3,\"frames\":[\"x\"]}");
			client.send("{\"op\":\"open\",\"sid\":2,\"endpoint\":\"echo\"}");
			client.send("{\"op\":\"subscribe\",\"sid\":2,\"topic\":\"a\"}");
			client.send("{\"op\":\"push\",\"sid\":2,\"id\":4,\"frames\":[\"x\"]}");
			assertThat(client.awaitOp("error", 3L).path("code").asString()).isEqualTo("wrong_socket_type");
			assertThat(client.await((m) -> m.path("failedOp").asString().equals("subscribe")).path("code").asString())
				.isEqualTo("wrong_socket_type");
			assertThat(client.awaitOp("error", 4L).path("code").asString()).isEqualTo("wrong_socket_type");
		}
	}

	@Test
	void socketIdInUseIsRefused() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"echo\"}");
			client.awaitOp("opened", null);
			client.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"ticker\"}");
			assertThat(client.awaitOp("error", null).path("code").asString()).isEqualTo("socket_exists");
		}
	}

	@Test
	void socketAndSubscriptionLimitsAreEnforced() {
		try (WsClient client = WsClient.connect(this.port)) {
			for (int sid = 1; sid <= 4; sid++) {
				client.send("{\"op\":\"open\",\"sid\":" + sid + ",\"endpoint\":\"ticker\"}");
			}
			JsonNode refused = client.await((m) -> m.path("op").asString().equals("error") && m.path("sid").asLong() == 4);
			assertThat(refused.path("code").asString()).isEqualTo("limit_exceeded");
			client.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"a\"}");
			client.send("{\"op\":\"subscribe\",\"sid\":2,\"topic\":\"b\"}");
			client.send("{\"op\":\"subscribe\",\"sid\":3,\"topic\":\"c\"}");
			JsonNode tooMany = client.await((m) -> m.path("op").asString().equals("error") && m.path("sid").asLong() == 3);
			assertThat(tooMany.path("code").asString()).isEqualTo("limit_exceeded");
			client.send("{\"op\":\"unsubscribe\",\"sid\":1,\"topic\":\"a\"}");
			client.awaitOp("unsubscribed", null);
			client.send("{\"op\":\"subscribe\",\"sid\":3,\"topic\":\"c\"}");
			client.await((m) -> m.path("op").asString().equals("subscribed") && m.path("sid").asLong() == 3);
		}
	}

	@Test
	void messageLargerThanTheEndpointAllowsIsRefusedWithoutClosing() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"echo\"}");
			client.send("{\"op\":\"request\",\"sid\":1,\"id\":1,\"frames\":[\"" + "x".repeat(2000) + "\"]}");
			assertThat(client.awaitOp("error", 1L).path("code").asString()).isEqualTo("message_too_large");
			assertStillUsable(client, 1);
		}
		assertThat(echo.received()).noneMatch((frames) -> frames.get(0).length == 2000);
	}

	@Test
	void webSocketMessageAboveTheFrameLimitClosesWith1009AndOthersCarryOn() {
		try (WsClient bystander = WsClient.connect(this.port); WsClient client = WsClient.connect(this.port)) {
			client.awaitOp("welcome", null);
			client.send("{\"op\":\"ping\",\"pad\":\"" + "x".repeat(8 * 1024) + "\"}");
			assertThat(client.awaitClose().code()).isEqualTo(1009);
			assertStillUsable(bystander, 1);
		}
	}

	@Test
	void binaryFrameIsRefusedOnTheJsonProtocol() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.awaitOp("welcome", null);
			client.sendBinary(new byte[] { 1, 2, 3 });
			assertThat(client.awaitOp("error", null).path("code").asString()).isEqualTo("bad_message");
			assertStillUsable(client, 1);
		}
	}

	@Test
	void handshakeOfferingOnlyUnknownSubprotocolsIsRefusedWith400() {
		assertThatThrownBy(() -> WsClient.connect(URI.create("ws://127.0.0.1:" + this.port + "/zmqws"), "chat.v9"))
			.hasStackTraceContaining("400");
	}

	@Test
	void browserStyleListOfSubprotocolsSelectsOurs() {
		try (RawWebSocket client = RawWebSocket.connect(this.port, "/zmqws", "chat.v9, zmqws.v1.json")) {
			assertThat(client.handshakeHeaders()).containsEntry("sec-websocket-protocol", "zmqws.v1.json");
			assertThat(client.welcome()).contains("\"op\":\"welcome\"");
		}
	}

	@Test
	void noSubprotocolMeansJsonVersionOne() {
		try (WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + this.port + "/zmqws"), null)) {
			assertThat(client.awaitOp("welcome", null).path("protocol").asString()).isEqualTo("zmqws.v1.json");
		}
	}

	@Test
	void pushWithoutBackendReportsBackendUnavailable() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"sink\"}");
			client.send("{\"op\":\"push\",\"sid\":1,\"id\":8,\"frames\":[\"x\"]}");
			assertThat(client.awaitOp("error", 8L).path("code").asString()).isEqualTo("backend_unavailable");
		}
	}

	private static void assertStillUsable(WsClient client, long sid) {
		client.send("{\"op\":\"open\",\"sid\":" + (1000 + sid) + ",\"endpoint\":\"echo\"}");
		client.await((m) -> m.path("op").asString().equals("opened") && m.path("sid").asLong() == 1000 + sid);
		long id = 424242 + sid;
		List<String> codes = List.of("backend_unavailable");
		for (int attempt = 0; attempt < 100; attempt++) {
			client.send("{\"op\":\"request\",\"sid\":" + (1000 + sid) + ",\"id\":" + (id + attempt * 1000L)
					+ ",\"frames\":[\"still here\"]}");
			long expected = id + attempt * 1000L;
			JsonNode answer = client.await((m) -> m.path("id").asLong(-1) == expected);
			if (answer.path("op").asString().equals("reply")) {
				assertThat(answer.path("frames").get(0).asString()).isEqualTo("still here");
				return;
			}
			assertThat(codes).contains(answer.path("code").asString());
		}
		throw new AssertionError("Echo backend never became reachable");
	}

}
