package io.zmqws.integration;

import java.io.UncheckedIOException;

import io.zmqws.testsupport.RawWebSocket;
import io.zmqws.testsupport.WsClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Abuse limits: the inbound message rate, and keep-alive pings with an idle timeout.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "zmqws.session.max-messages-per-second=50", "zmqws.websocket.ping-interval=100ms",
				"zmqws.websocket.idle-timeout=500ms" })
class LimitsIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void messagesOverTheRateAreRefusedWithRateLimited() {
		try (RawWebSocket client = RawWebSocket.connect(this.port, "/zmqws", "zmqws.v1.json")) {
			for (int i = 0; i < 70; i++) {
				client.sendText("{\"op\":\"ping\",\"id\":" + i + "}");
			}
			int pongsBefore = 0;
			JsonNode refusal = null;
			while (refusal == null) {
				RawWebSocket.Frame frame = client.readFrame();
				if (frame.opcode() == RawWebSocket.PING) {
					client.sendFrame(RawWebSocket.PONG, frame.payload());
					continue;
				}
				JsonNode message = WsClient.JSON.readTree(frame.text());
				if (message.path("op").asString().equals("pong")) {
					pongsBefore++;
					assertThat(pongsBefore).as("every ping answered: no limit applied").isLessThan(70);
				}
				else if (message.path("code").asString().equals("rate_limited")) {
					refusal = message;
				}
			}
			assertThat(pongsBefore).as("the burst allowance").isGreaterThanOrEqualTo(50);
			assertThat(refusal.path("message").asString()).contains("50 messages per second");
		}
	}

	@Test
	void floodingAtTwiceTheRateClosesWith1008() {
		try (RawWebSocket client = RawWebSocket.connect(this.port, "/zmqws", "zmqws.v1.json")) {
			for (int i = 0; i < 400; i++) {
				try {
					client.sendText("{\"op\":\"ping\",\"id\":" + i + "}");
				}
				catch (UncheckedIOException closedMeanwhile) {
					// the server may close the connection before the flood is over
					break;
				}
			}
			RawWebSocket.Frame frame;
			do {
				frame = client.readFrame();
				if (frame.opcode() == RawWebSocket.PING) {
					try {
						client.sendFrame(RawWebSocket.PONG, frame.payload());
					}
					catch (UncheckedIOException closedMeanwhile) {
						// the close frame is still there to read
					}
				}
			}
			while (frame.opcode() != RawWebSocket.CLOSE);
			assertThat(frame.closeCode()).isEqualTo(1008);
		}
	}

	@Test
	void clientAnsweringPingsStaysConnectedAndASilentOneIsClosedWith1001() {
		try (RawWebSocket silent = RawWebSocket.connect(this.port, "/zmqws", "zmqws.v1.json");
				RawWebSocket answering = RawWebSocket.connect(this.port, "/zmqws", "zmqws.v1.json")) {
			int pings = 0;
			while (pings < 10) {
				RawWebSocket.Frame frame = answering.readFrame();
				if (frame.opcode() == RawWebSocket.PING) {
					pings++;
					answering.sendFrame(RawWebSocket.PONG, frame.payload());
				}
			}
			answering.sendText("{\"op\":\"ping\",\"id\":7}");
			RawWebSocket.Frame frame;
			do {
				frame = answering.readFrame();
				if (frame.opcode() == RawWebSocket.PING) {
					answering.sendFrame(RawWebSocket.PONG, frame.payload());
				}
			}
			while (!(frame.opcode() == RawWebSocket.TEXT && frame.text().contains("\"pong\"")));
			do {
				frame = silent.readFrame();
			}
			while (frame.opcode() != RawWebSocket.CLOSE);
			assertThat(frame.closeCode()).isEqualTo(1001);
		}
	}

}
