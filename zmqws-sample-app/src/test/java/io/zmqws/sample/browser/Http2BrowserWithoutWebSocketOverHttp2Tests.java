package io.zmqws.sample.browser;

import java.util.List;
import java.util.Map;

import io.zmqws.sample.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code tls} profile with {@code zmqws.http2.websocket=false} in headless Chromium:
 * the page still loads over h2, and the browser, not offered WebSockets over HTTP/2,
 * opens the gateway's WebSocket over a connection of its own with HTTP/1.1.
 */
@ExtendWith(Chromium.Required.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "zmqws.http2.websocket=false")
@ActiveProfiles("tls")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Http2BrowserWithoutWebSocketOverHttp2Tests {

	private static final int ECHO_PORT = FreePorts.next();

	private static final int TICKER_PORT = FreePorts.next();

	private static final int SINK_PORT = FreePorts.next();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void demoPorts(DynamicPropertyRegistry registry) {
		registry.add("demo.echo-port", () -> ECHO_PORT);
		registry.add("demo.ticker-port", () -> TICKER_PORT);
		registry.add("demo.sink-port", () -> SINK_PORT);
	}

	@Test
	void gatewayWebSocketRunsOverHttp11() {
		try (Chromium browser = Chromium.startForHttps()) {
			browser.login("https://localhost:" + this.port, "alice");
			Object result = browser.evaluate(Http2BrowserTests.ECHO_OVER_THE_GATEWAY);
			assertThat(result).isEqualTo(Map.of("page", "h2", "reply", List.of("echo", "hello")));
			assertThat(browser.webSocketHandshakeStatuses()).isNotEmpty().containsOnly(101);
		}
	}

}
