package io.zmqws.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.IntStream;

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

/**
 * Request/reply from a real WebSocket client through the gateway to real JeroMQ REP
 * backends on loopback.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RequestReplyIntegrationTests {

	private static final String ECHO = FreePorts.tcp();

	private static final String SLOW = FreePorts.tcp();

	private static final ZmqBackend echo = ZmqBackend.echo(ECHO);

	private static final ZmqBackend slow = ZmqBackend.rep(SLOW, (frames) -> {
		sleep(Long.parseLong(new String(frames.get(0), StandardCharsets.UTF_8)));
		return frames;
	});

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.echo.type", () -> "REQ");
		registry.add("zmqws.endpoints.echo.address", () -> ECHO);
		registry.add("zmqws.endpoints.slow.type", () -> "REQ");
		registry.add("zmqws.endpoints.slow.address", () -> SLOW);
		registry.add("zmqws.endpoints.slow.request-timeout", () -> "2s");
	}

	@AfterAll
	static void stopBackends() {
		echo.close();
		slow.close();
	}

	@Test
	void welcomesWithProtocolAndLimits() {
		try (WsClient client = WsClient.connect(this.port)) {
			JsonNode welcome = client.awaitOp("welcome", null);
			assertThat(client.selectedProtocol()).isEqualTo("zmqws.v1.json");
			assertThat(welcome.path("protocol").asString()).isEqualTo("zmqws.v1.json");
			assertThat(welcome.path("session").asString()).isNotBlank();
			assertThat(welcome.path("limits").path("maxSockets").asInt()).isEqualTo(64);
		}
	}

	@Test
	void manyRequestsInFlightFromManyClientsEachGetTheirOwnReply() {
		List<WsClient> clients = IntStream.range(0, 4).mapToObj((i) -> WsClient.connect(this.port)).toList();
		try {
			for (int c = 0; c < clients.size(); c++) {
				WsClient client = clients.get(c);
				client.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"echo\"}");
				for (int i = 0; i < 200; i++) {
					client.send("{\"op\":\"request\",\"sid\":1,\"id\":" + i + ",\"frames\":[\"client " + c
							+ " request " + i + "\"]}");
				}
			}
			for (int c = 0; c < clients.size(); c++) {
				List<JsonNode> replies = clients.get(c)
					.awaitCount((m) -> m.path("op").asString().equals("reply"), 200, Duration.ofSeconds(20));
				for (JsonNode reply : replies) {
					long id = reply.path("id").asLong();
					assertThat(reply.path("frames").get(0).asString()).isEqualTo("client " + c + " request " + id);
				}
				assertThat(replies.stream().map((r) -> r.path("id").asLong()).distinct()).hasSize(200);
			}
		}
		finally {
			clients.forEach(WsClient::close);
		}
	}

	@Test
	void multipartTextAndBinaryFramesSurviveByteForByte() {
		byte[] binary = new byte[256];
		for (int i = 0; i < binary.length; i++) {
			binary[i] = (byte) i;
		}
		String encoded = Base64.getEncoder().encodeToString(binary);
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"open\",\"sid\":7,\"endpoint\":\"echo\"}");
			client.send("{\"op\":\"request\",\"sid\":7,\"id\":1,\"frames\":[\"h\u00e9llo \u2603\",{\"base64\":\""
					+ encoded + "\"},\"\"]}");
			JsonNode reply = client.awaitOp("reply", 1L);
			JsonNode frames = reply.path("frames");
			assertThat(frames.size()).isEqualTo(3);
			assertThat(frames.get(0).asString()).isEqualTo("h\u00e9llo \u2603");
			assertThat(Base64.getDecoder().decode(frames.get(1).path("base64").asString())).isEqualTo(binary);
			assertThat(frames.get(2).asString()).isEmpty();
		}
		List<byte[]> seen = echo.received().stream().filter((f) -> f.size() == 3).findFirst().orElseThrow();
		assertThat(seen.get(0)).isEqualTo("h\u00e9llo \u2603".getBytes(StandardCharsets.UTF_8));
		assertThat(seen.get(1)).isEqualTo(binary);
	}

	@Test
	void requestTimesOutAloneAndTheNextRequestWorks() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"slow\"}");
			client.send("{\"op\":\"request\",\"sid\":1,\"id\":1,\"timeout\":200,\"frames\":[\"600\"]}");
			JsonNode error = client.awaitOp("error", 1L);
			assertThat(error.path("code").asString()).isEqualTo("timeout");
			assertThat(error.path("sid").asLong()).isEqualTo(1);
			client.send("{\"op\":\"request\",\"sid\":1,\"id\":2,\"frames\":[\"0\"]}");
			JsonNode reply = client.awaitOp("reply", 2L);
			assertThat(reply.path("frames").get(0).asString()).isEqualTo("0");
			assertThat(client.received()).noneMatch((m) -> m.path("op").asString().equals("reply")
					&& m.path("id").asLong() == 1);
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
