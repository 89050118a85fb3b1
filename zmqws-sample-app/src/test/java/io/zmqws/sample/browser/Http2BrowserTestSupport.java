package io.zmqws.sample.browser;

import java.util.List;
import java.util.Map;

import io.zmqws.sample.FreePorts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample with its {@code tls} profile (h2 and HTTP/1.1 over TLS, with the
 * development certificate) for tests in headless Chromium, each class with demo
 * backends of its own.
 */
@ExtendWith(Chromium.Required.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("tls")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class Http2BrowserTestSupport {

	/**
	 * Asks the echo service through the gateway and reports the protocol the page came
	 * over.
	 */
	private static final String ECHO_OVER_THE_GATEWAY = """
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

	private static int echoPort;

	private static int tickerPort;

	private static int sinkPort;

	@LocalServerPort
	int port;

	@BeforeAll
	static void pickDemoPorts() {
		echoPort = FreePorts.next();
		tickerPort = FreePorts.next();
		sinkPort = FreePorts.next();
	}

	@DynamicPropertySource
	static void demoPorts(DynamicPropertyRegistry registry) {
		registry.add("demo.echo-port", () -> echoPort);
		registry.add("demo.ticker-port", () -> tickerPort);
		registry.add("demo.sink-port", () -> sinkPort);
	}

	/**
	 * Signs in over HTTPS, asks the echo service through the gateway from the page, and
	 * returns what the page saw: {@code page} (the protocol it came over) and
	 * {@code reply}.
	 */
	Object echoOverTheGateway(Chromium browser) {
		browser.login("https://localhost:" + this.port, "alice");
		return browser.evaluate(ECHO_OVER_THE_GATEWAY);
	}

	static Map<String, Object> expected(String pageProtocol) {
		return Map.of("page", pageProtocol, "reply", List.of("echo", "hello"));
	}

}
