package io.zmqws.integration;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.Msgpack;
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
 * The MessagePack encoding end to end, on a WebSocket (binary frames) and on the HTTP
 * fallback (base64 events, MessagePack batches): binary ZeroMQ frames travel as
 * {@code bin}, byte for byte, both ways.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MessagePackIntegrationTests {

	private static final String ECHO = FreePorts.tcp();

	private static final ZmqBackend echo = ZmqBackend.echo(ECHO);

	private static final byte[] BINARY = { 0, (byte) 0xFF, (byte) 0xC3, 0x28, '\n' };

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

	private static Map<String, Object> message(Object... fields) {
		Map<String, Object> message = new LinkedHashMap<>();
		for (int i = 0; i < fields.length; i += 2) {
			message.put((String) fields[i], fields[i + 1]);
		}
		return message;
	}

	private static String bin(byte[] bytes) {
		return Base64.getEncoder().encodeToString(bytes);
	}

	@Test
	void webSocketSpeaksMessagePackInBinaryFrames() {
		try (WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + this.port + "/zmqws"),
				"zmqws.v1.msgpack")) {
			assertThat(client.selectedProtocol()).isEqualTo("zmqws.v1.msgpack");
			JsonNode welcome = client.awaitOp("welcome", null);
			assertThat(welcome.path("protocol").asString()).isEqualTo("zmqws.v1.msgpack");
			assertThat(welcome.path("transport").asString()).isEqualTo("websocket");
			client.sendBinary(Msgpack.pack(message("op", "open", "sid", 1, "endpoint", "echo")));
			client.awaitOp("opened", null);
			JsonNode reply = null;
			for (long id = 1; reply == null; id++) {
				client.sendBinary(Msgpack.pack(message("op", "request", "sid", 1, "id", id, "frames",
						List.of("text".getBytes(), BINARY))));
				long expected = id;
				JsonNode answer = client.await((m) -> m.path("id").asLong(-1) == expected);
				if (answer.path("op").asString().equals("reply")) {
					reply = answer;
				}
			}
			JsonNode frames = reply.path("frames");
			assertThat(frames).hasSize(2);
			assertThat(frames.get(0).path("bin").asString()).isEqualTo(bin("text".getBytes()));
			assertThat(frames.get(1).path("bin").asString()).isEqualTo(bin(BINARY));
		}
	}

	@Test
	void textFrameOnAMessagePackConnectionIsRefusedAndTheConnectionStays() {
		try (WsClient client = WsClient.connect(URI.create("ws://127.0.0.1:" + this.port + "/zmqws"),
				"zmqws.v1.msgpack")) {
			client.send("{\"op\":\"ping\",\"id\":1}");
			JsonNode error = client.awaitOp("error", null);
			assertThat(error.path("code").asString()).isEqualTo("bad_message");
			assertThat(error.path("message").asString()).contains("binary");
			client.sendBinary(Msgpack.pack(message("op", "ping", "id", 2)));
			assertThat(client.awaitOp("pong", 2L)).isNotNull();
		}
	}

	@Test
	void httpFallbackSpeaksMessagePackInBase64EventsAndBatches() {
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		URI base = URI.create("http://127.0.0.1:" + this.port + "/zmqws");
		try (SseClient client = SseClient.open(http, base, "?protocol=zmqws.v1.msgpack", Map.of(),
				SseClient.base64(Msgpack::read))) {
			JsonNode welcome = client.awaitOp("welcome", null);
			assertThat(welcome.path("protocol").asString()).isEqualTo("zmqws.v1.msgpack");
			assertThat(welcome.path("transport").asString()).isEqualTo("sse");
			assertThat(welcome.path("limits").path("maxBatchSize").asLong()).isEqualTo(1024 * 1024);
			ByteArrayOutputStream batch = new ByteArrayOutputStream();
			batch.writeBytes(Msgpack.pack(message("op", "open", "sid", 1, "endpoint", "echo")));
			for (int id = 1; id <= 3; id++) {
				batch.writeBytes(Msgpack.pack(message("op", "ping", "id", id)));
			}
			assertThat(client.post(1, batch.toByteArray(), "application/vnd.msgpack")).isEqualTo(204);
			client.awaitOp("pong", 3L);
			assertThat(client.messages()).extracting((m) -> m.path("op").asString())
				.containsExactly("welcome", "opened", "pong", "pong", "pong");
			JsonNode reply = null;
			for (long id = 1; reply == null; id++) {
				byte[] request = Msgpack.pack(message("op", "request", "sid", 1, "id", id, "frames", List.of(BINARY)));
				assertThat(client.post(id + 1, request, "application/vnd.msgpack")).isEqualTo(204);
				long expected = id;
				JsonNode answer = client.await((m) -> m.path("id").asLong(-1) == expected
						&& !m.path("op").asString().equals("pong"));
				if (answer.path("op").asString().equals("reply")) {
					reply = answer;
				}
			}
			assertThat(reply.path("frames").get(0).path("bin").asString()).isEqualTo(bin(BINARY));
			assertThat(client.post(99, new byte[] { (byte) 0xC1 }, "application/vnd.msgpack")).isEqualTo(400);
		}
	}

}
