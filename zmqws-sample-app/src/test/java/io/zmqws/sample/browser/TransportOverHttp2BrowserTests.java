package io.zmqws.sample.browser;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every transport and encoding in headless Chromium against the sample's {@code tls}
 * profile: the WebSocket runs as a stream of the page's HTTP/2 connection (RFC 8441) and
 * the HTTP fallback's event stream and posts are HTTP/2 streams too; the same round of
 * operations as over HTTP/1.1 gives the same results.
 */
class TransportOverHttp2BrowserTests extends Http2BrowserTestSupport {

	@BeforeEach
	void signIn() {
		if (browser == null) {
			browser = Chromium.startForHttps();
			browser.open("https://localhost:" + this.port, "alice", "/");
		}
	}

	@ParameterizedTest(name = "{0} with {1}")
	@CsvSource({ "websocket, json", "websocket, msgpack", "sse, json", "sse, msgpack" })
	void everyOperationWorksTheSameOverHttp2(String transport, String encoding) {
		Object outcome = browser.evaluate(TransportBrowserTests.TransportRound.SCRIPT, transport, encoding);
		assertThat(outcome).isEqualTo(TransportBrowserTests.TransportRound.expected(transport, "2", encoding));
		if (transport.equals("websocket")) {
			assertThat(browser.webSocketHandshakeStatuses()).isNotEmpty().containsOnly(200);
		}
	}

}
