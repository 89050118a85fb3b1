package io.zmqws.sample.browser;

import io.zmqws.sample.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample over plain HTTP for tests in headless Chromium, each class with demo
 * backends of its own and one browser, closed after the class.
 */
@ExtendWith(Chromium.Required.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class SampleBrowserTestSupport {

	/**
	 * Defines {@code retry(fn)} in a page script: repeats {@code fn} while it fails with
	 * backend_unavailable (the gateway may still be connecting to a demo backend), for at
	 * most 20 seconds.
	 */
	static final String RETRY = """
			const retry = async (fn) => {
				const deadline = Date.now() + 20000;
				for (;;) {
					try {
						return await fn();
					}
					catch (error) {
						if (error.code !== 'backend_unavailable' || Date.now() > deadline) {
							throw error;
						}
						await new Promise((resolve) => setTimeout(resolve, 100));
					}
				}
			};
			""";

	private static int echoPort;

	private static int tickerPort;

	private static int sinkPort;

	static Chromium browser;

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

	@AfterAll
	static void closeBrowser() {
		if (browser != null) {
			browser.close();
			browser = null;
		}
	}

}
