package io.zmqws.sample.browser;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's {@code tls} profile in headless Chromium: the page loads over h2, and the
 * browser opens the gateway's WebSocket as a stream of that HTTP/2 connection (RFC
 * 8441, handshake status 200), which it does whenever the server advertises it, with no
 * fallback.
 */
class Http2BrowserTests extends Http2BrowserTestSupport {

	@Test
	void gatewayWebSocketRunsOverTheHttp2ConnectionOfThePage() {
		try (Chromium browser = Chromium.startForHttps()) {
			assertThat(echoOverTheGateway(browser)).isEqualTo(expected("h2"));
			assertThat(browser.webSocketHandshakeStatuses()).isNotEmpty().containsOnly(200);
		}
	}

}
