package io.zmqws.integration;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.zmqws.testsupport.FreePorts;
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
 * A fallback client that stops reading its event stream: the session's bounded queue
 * and its overflow policy apply as on a WebSocket (the stream is not an unbounded
 * buffer), a fast client on the same topic gets everything, and the slow one learns how
 * many messages it lost.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "zmqws.session.outbound-capacity=64")
class SseSlowClientIntegrationTests {

	static final int MESSAGE_SIZE = 32 * 1024;

	static final int BATCHES = 10;

	static final int BATCH = 50;

	private static final String FEED = FreePorts.tcp();

	private static final ZmqBackend feed = ZmqBackend.pub(FEED);

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.feed.type", () -> "SUB");
		registry.add("zmqws.endpoints.feed.address", () -> FEED);
	}

	@AfterAll
	static void stopBackend() {
		feed.close();
	}

	@Test
	void slowStreamReaderDoesNotDelayFastOneAndLearnsHowManyMessagesItLost() throws Exception {
		URI base = URI.create("http://127.0.0.1:" + this.port + "/zmqws");
		HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		try (SseClient fast = SseClient.open(http, base, Map.of()); SlowEventStream slow = new SlowEventStream()) {
			String session = slow.awaitWelcome();
			post(http, base, session, "{\"op\":\"open\",\"sid\":1,\"endpoint\":\"feed\"}\n"
					+ "{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"big.\"}");
			assertThat(slow.readUntil("subscribed").path("topic").asString()).isEqualTo("big.");
			fast.awaitOp("welcome", null);
			fast.post("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"feed\"}", "{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"big.\"}");
			fast.awaitOp("subscribed", null);
			feed.publishUntil(List.of("big.warmup".getBytes(StandardCharsets.UTF_8)),
					() -> fast.messages().stream().anyMatch((m) -> m.path("op").asString().equals("message")),
					Duration.ofSeconds(60));

			String padding = "x".repeat(MESSAGE_SIZE);
			for (int batch = 0; batch < BATCHES; batch++) {
				for (int i = 0; i < BATCH; i++) {
					feed.publish(List.of("big.data".getBytes(StandardCharsets.UTF_8),
							Integer.toString(batch * BATCH + i).getBytes(StandardCharsets.UTF_8),
							padding.getBytes(StandardCharsets.UTF_8)));
				}
				int last = (batch + 1) * BATCH - 1;
				fast.await((m) -> isData(m) && m.path("frames").get(1).asInt() == last);
			}
			List<JsonNode> received = fast.messages().stream().filter(SseSlowClientIntegrationTests::isData).toList();
			assertThat(received).hasSize(BATCHES * BATCH);
			for (int i = 0; i < received.size(); i++) {
				assertThat(received.get(i).path("frames").get(1).asInt()).isEqualTo(i);
				assertThat(received.get(i).has("dropped")).isFalse();
			}

			long dropped = 0;
			int delivered = 0;
			while (delivered + dropped < BATCHES * BATCH) {
				JsonNode message = slow.next();
				if (isData(message)) {
					delivered++;
					dropped += message.path("dropped").asLong(0);
				}
			}
			assertThat(dropped).isPositive();
			assertThat(delivered).isLessThan(BATCHES * BATCH);
		}
	}

	private static void post(HttpClient http, URI base, String session, String batch) throws Exception {
		HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(base + "/sse/" + session))
			.header("Zmqws-Seq", "1")
			.POST(HttpRequest.BodyPublishers.ofString(batch))
			.build(), HttpResponse.BodyHandlers.discarding());
		assertThat(response.statusCode()).isEqualTo(204);
	}

	private static boolean isData(JsonNode message) {
		return message.path("op").asString().equals("message")
				&& message.path("frames").get(0).asString().equals("big.data");
	}

	/**
	 * An event stream read over a raw socket with a small receive buffer, only when the
	 * test asks: while it does not, the server's writes back up.
	 */
	final class SlowEventStream implements AutoCloseable {

		private final Socket socket = new Socket();

		private final InputStream in;

		private int chunkLeft;

		SlowEventStream() throws IOException {
			this.socket.setReceiveBufferSize(4096);
			this.socket.connect(new InetSocketAddress("127.0.0.1", SseSlowClientIntegrationTests.this.port));
			this.socket.getOutputStream()
				.write(("GET /zmqws/sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			this.in = new BufferedInputStream(this.socket.getInputStream());
			String status = rawLine();
			assertThat(status).startsWith("HTTP/1.1 200");
			boolean chunked = false;
			for (String header = rawLine(); !header.isEmpty(); header = rawLine()) {
				chunked |= header.equalsIgnoreCase("transfer-encoding: chunked");
			}
			assertThat(chunked).as("a streamed HTTP/1.1 response is chunked").isTrue();
		}

		String awaitWelcome() {
			return readUntil("welcome").path("session").asString();
		}

		JsonNode readUntil(String op) {
			while (true) {
				JsonNode message = next();
				if (message.path("op").asString().equals(op)) {
					return message;
				}
			}
		}

		/** The next protocol message of the stream. */
		JsonNode next() {
			while (true) {
				String line = line();
				if (line.startsWith("data: ")) {
					return WsClient.JSON.readTree(line.substring(6));
				}
			}
		}

		/** One line of the event stream, across chunk boundaries. */
		private String line() {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			for (int b = body(); b != '\n'; b = body()) {
				bytes.write(b);
			}
			return bytes.toString(StandardCharsets.UTF_8);
		}

		private int body() {
			if (this.chunkLeft == 0) {
				String size = rawLine();
				if (size.isEmpty()) {
					size = rawLine();
				}
				this.chunkLeft = Integer.parseInt(size.trim(), 16);
				if (this.chunkLeft == 0) {
					throw new AssertionError("The event stream ended");
				}
			}
			this.chunkLeft--;
			return read();
		}

		private String rawLine() {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			for (int b = read(); b != '\n'; b = read()) {
				if (b != '\r') {
					bytes.write(b);
				}
			}
			return bytes.toString(StandardCharsets.US_ASCII);
		}

		private int read() {
			try {
				int b = this.in.read();
				if (b < 0) {
					throw new AssertionError("The connection closed");
				}
				return b;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
