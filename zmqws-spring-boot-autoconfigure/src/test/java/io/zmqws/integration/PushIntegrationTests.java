package io.zmqws.integration;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
 * Fire-and-forget pushes to a real PULL backend, with and without acknowledgement.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PushIntegrationTests {

	private static final String SINK = FreePorts.tcp();

	private static final ZmqBackend sink = ZmqBackend.pull(SINK);

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.sink.type", () -> "PUSH");
		registry.add("zmqws.endpoints.sink.address", () -> SINK);
	}

	@AfterAll
	static void stopBackend() {
		sink.close();
	}

	@Test
	void pushedMultipartMessagesArriveByteForByteAndInOrder() throws InterruptedException {
		byte[] binary = { 0, (byte) 0xFF, (byte) 0xC3, 0x28 };
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"sink\"}");
			awaitAcknowledgedPush(client);
			for (int i = 0; i < 100; i++) {
				client.send("{\"op\":\"push\",\"sid\":1,\"frames\":[\"event " + i + "\",{\"base64\":\""
						+ Base64.getEncoder().encodeToString(binary) + "\"}]}");
			}
			for (int i = 0; i < 100; i++) {
				List<byte[]> frames = sink.received().poll(10, TimeUnit.SECONDS);
				assertThat(frames).as("push %d", i).isNotNull();
				assertThat(new String(frames.get(0))).isEqualTo("event " + i);
				assertThat(frames.get(1)).isEqualTo(binary);
			}
			assertThat(client.received()).noneMatch((m) -> m.path("op").asString().equals("error"));
		}
	}

	@Test
	void pushWithIdIsAcknowledgedOnceHandedToZeroMq() throws InterruptedException {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"open\",\"sid\":3,\"endpoint\":\"sink\"}");
			awaitAcknowledgedPush(client);
			client.send("{\"op\":\"push\",\"sid\":3,\"id\":55,\"frames\":[\"with ack\"]}");
			JsonNode pushed = client.awaitOp("pushed", 55L);
			assertThat(pushed.path("sid").asLong()).isEqualTo(3);
			List<byte[]> frames;
			do {
				frames = sink.received().poll(10, TimeUnit.SECONDS);
				assertThat(frames).isNotNull();
			}
			while (!new String(frames.get(0)).equals("with ack"));
		}
	}

	/**
	 * Pushes probes until one reaches the backend: the PUSH socket may still be connecting
	 * (backend_unavailable), or a first connection may stall in JeroMQ's handshake until
	 * the handshake timeout reconnects it, losing what was queued on it.
	 */
	private void awaitAcknowledgedPush(WsClient client) throws InterruptedException {
		long sid = client.awaitOp("opened", null).path("sid").asLong();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		for (long probe = 1_000_000;; probe++) {
			assertThat(System.nanoTime()).as("a probe reached the backend in time").isLessThan(deadline);
			long id = probe;
			client.send("{\"op\":\"push\",\"sid\":" + sid + ",\"id\":" + id + ",\"frames\":[\"probe\"]}");
			JsonNode answer = client.await((m) -> m.path("id").asLong(-1) == id);
			if (!answer.path("op").asString().equals("pushed")) {
				assertThat(answer.path("code").asString()).isEqualTo("backend_unavailable");
				continue;
			}
			List<byte[]> frames = sink.received().poll(1, TimeUnit.SECONDS);
			if (frames != null && new String(frames.get(0)).equals("probe")) {
				sink.received().removeIf((f) -> new String(f.get(0)).equals("probe"));
				return;
			}
		}
	}

}
