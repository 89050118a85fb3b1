package io.zmqws.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.zmqws.integration.GatewayTestApplication;
import io.zmqws.testsupport.RawWebSocket;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared keep-alive ticker pings every connection, closes silent ones with 1001, and
 * forgets every connection once it is closed, whichever side closed it.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "zmqws.websocket.ping-interval=100ms", "zmqws.websocket.idle-timeout=500ms" })
class KeepAliveTickerIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	ZmqwsWebSocketHandler handler;

	@Test
	void connectionsArePingedAndForgottenOnceClosedByEitherSide() throws Exception {
		try (RawWebSocket answering = RawWebSocket.connect(this.port, "/zmqws", "zmqws.v1.json")) {
			try (RawWebSocket silent = RawWebSocket.connect(this.port, "/zmqws", "zmqws.v1.json")) {
				RawWebSocket leaving = RawWebSocket.connect(this.port, "/zmqws", "zmqws.v1.json");
				awaitKeptAlive(3);
				answerPings(answering, 3);
				leaving.close();
				RawWebSocket.Frame frame;
				do {
					frame = silent.readFrame();
					if (frame.opcode() == RawWebSocket.PING) {
						answerPings(answering, 1);
					}
				}
				while (frame.opcode() != RawWebSocket.CLOSE);
				assertThat(frame.closeCode()).isEqualTo(1001);
				awaitKeptAlive(1);
				answerPings(answering, 3);
			}
		}
		awaitKeptAlive(0);
	}

	/** Answers pings until {@code count} arrived, keeping the connection alive meanwhile. */
	private static void answerPings(RawWebSocket client, int count) {
		int pings = 0;
		while (pings < count) {
			RawWebSocket.Frame frame = client.readFrame();
			if (frame.opcode() == RawWebSocket.PING) {
				assertThat(new String(frame.payload(), StandardCharsets.US_ASCII)).isEqualTo("zmqws");
				client.sendFrame(RawWebSocket.PONG, frame.payload());
				pings++;
			}
		}
	}

	private void awaitKeptAlive(int expected) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (this.handler.keptAliveCount() != expected && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(this.handler.keptAliveCount()).isEqualTo(expected);
	}

}
