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
 * The sample's {@code tls} profile in headless Chromium: the page loads over h2, and the
 * browser opens the gateway's WebSocket as a stream of the same HTTP/2 connection (RFC
 * 8441), which it does whenever the server advertises it, with no fallback.
 */
@ExtendWith(Chromium.Required.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("tls")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class Http2BrowserTests {

	/**
	 * Signs in, then asks the echo service through the gateway and reports which protocol
	 * the page came over.
	 */
	static final String ECHO_OVER_THE_GATEWAY = """
			const client = await import('/zmqws/client.js');
			const page = performance.getEntriesByType('navigation')[0].nextHopProtocol;
			const connection = client.connect();
			try {
				const deadline = Date.now() + 20000;
				for (;;) {
					try {
						return { page, reply: await connection.request('echo', 'hello') };
					}
					catch (error) {
						if (error.code !== 'backend_unavailable' || Date.now() > deadline) {
							throw error;
						}
						await new Promise((resolve) => setTimeout(resolve, 100));
					}
				}
			}
			finally {
				connection.close();
			}
			""";

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
	void gatewayWebSocketRunsOverTheHttp2ConnectionOfThePage() {
		try (Chromium browser = Chromium.startForHttps()) {
			browser.login("https://localhost:" + this.port, "alice");
			Object result = browser.evaluate(ECHO_OVER_THE_GATEWAY);
			assertThat(result).isEqualTo(Map.of("page", "h2", "reply", List.of("echo", "hello")));
			assertThat(browser.webSocketHandshakeStatuses()).isNotEmpty().containsOnly(200);
		}
	}

}
