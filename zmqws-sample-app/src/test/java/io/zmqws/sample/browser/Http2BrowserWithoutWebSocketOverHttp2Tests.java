package io.zmqws.sample.browser;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code tls} profile with {@code zmqws.http2.websocket=false} in headless Chromium:
 * the page still loads over h2, and the browser, not offered WebSockets over HTTP/2,
 * opens the gateway's WebSocket over a connection of its own with HTTP/1.1 (handshake
 * status 101).
 */
@TestPropertySource(properties = "zmqws.http2.websocket=false")
class Http2BrowserWithoutWebSocketOverHttp2Tests extends Http2BrowserTestSupport {

	@Test
	void gatewayWebSocketRunsOverHttp11() {
		try (Chromium browser = Chromium.startForHttps()) {
			assertThat(echoOverTheGateway(browser)).isEqualTo(expected("h2"));
			assertThat(browser.webSocketHandshakeStatuses()).isNotEmpty().containsOnly(101);
		}
	}

}
