package io.zmqws.sample.browser;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP fallback survives a short network cut in headless Chromium: every connection
 * between browser and server is cut, the browser's own {@code EventSource} reconnects
 * with {@code Last-Event-ID}, and the page keeps its session and its subscription
 * without the client noticing a disconnect.
 */
class ResumeBrowserTests extends SampleBrowserTestSupport {


	@Test
	void sessionAndSubscriptionSurviveACutConnection() throws IOException {
		try (CuttableProxy proxy = new CuttableProxy(this.port)) {
			browser = Chromium.start();
			browser.open("http://127.0.0.1:" + proxy.port(), "alice", "/login");
			Object before = browser.evaluate("""
					const client = await import('/zmqws/client.js');
					const connection = client.connect({ transport: 'sse' });
					window.resumeTest = { connection, prices: 0, states: [] };
					connection.on('state', (state) => window.resumeTest.states.push(state));
					await new Promise((resolve) => {
						connection.subscribe('ticker', 'ticker.', () => {
							window.resumeTest.prices++;
							resolve();
						});
					});
					window.resumeTest.statesAtCut = window.resumeTest.states.length;
					return { transport: connection.transport, connectCount: connection.connectCount };
					""");
			assertThat(before).isEqualTo(Map.of("transport", "sse", "connectCount", 1L));
			String session = (String) browser.evaluate("return window.resumeTest.connection.session;");
			proxy.cutAll();
			Object after = browser.evaluate("""
					const test = window.resumeTest;
					const seen = test.prices;
					const deadline = Date.now() + 20000;
					while (test.prices < seen + 5 && Date.now() < deadline) {
						await new Promise((resolve) => setTimeout(resolve, 100));
					}
					const echoed = await test.connection.request('echo', 'after the cut');
					return { more: test.prices >= seen + 5, session: test.connection.session,
						connectCount: test.connection.connectCount, states: test.states.slice(test.statesAtCut), echoed };
					""");
			assertThat(after).isEqualTo(Map.of("more", true, "session", session, "connectCount", 1L, "states",
					java.util.List.of(), "echoed", java.util.List.of("echo", "after the cut")));
		}
	}

}
