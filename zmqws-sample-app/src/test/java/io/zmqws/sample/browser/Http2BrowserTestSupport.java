package io.zmqws.sample.browser;

import java.util.List;
import java.util.Map;


import org.springframework.test.context.ActiveProfiles;

/**
 * The sample with its {@code tls} profile (h2 and HTTP/1.1 over TLS, with the
 * development certificate) for tests in headless Chromium, each class with demo
 * backends of its own.
 */
@ActiveProfiles("tls")
abstract class Http2BrowserTestSupport extends SampleBrowserTestSupport {

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
