package io.zmqws.sample.browser;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every transport and encoding in headless Chromium against the sample over plain HTTP
 * (HTTP/1.1): the page forces a transport and an encoding and runs the same round of
 * operations, which must give the same results through the same security checks.
 */
class TransportBrowserTests extends SampleBrowserTestSupport {


	@BeforeEach
	void openPage() {
		if (browser == null) {
			browser = Chromium.start();
			browser.open("http://127.0.0.1:" + this.port, "alice", "/");
		}
	}

	@ParameterizedTest(name = "{0} with {1}")
	@CsvSource({ "websocket, json", "websocket, msgpack", "sse, json", "sse, msgpack" })
	void everyOperationWorksTheSame(String transport, String encoding) {
		Object outcome = browser.evaluate(TransportRound.SCRIPT, transport, encoding);
		assertThat(outcome).isEqualTo(TransportRound.expected(transport, "1.1", encoding));
	}

	/** The round of operations each transport test runs in the page, and what it gives. */
	static final class TransportRound {

		static final String SCRIPT = RETRY + """
				const [transport, encoding] = args;
				const client = await import('/zmqws/client.js');
				const bytes = (frame) => (typeof frame === 'string') ? frame : { bytes: [...frame] };
				const connection = client.connect({ transport, encoding });
				try {
					const reply = await retry(() => connection.request('echo', ['text', new Uint8Array([0, 255, 1])]));
					const sum = await connection.rpc('calc.add', [2, 3]);
					const countdown = [];
					for await (const item of connection.stream('calc.countdown', [3])) {
						countdown.push(item);
					}
					const pushed = await new Promise((resolve, reject) => {
						const subscription = connection.subscribe('ticker', 'pushed.', (frames) => {
							subscription.unsubscribe();
							resolve(frames.map(bytes));
						});
						subscription.ready.then(() => retry(() => connection.push('events', ['via ' + transport])))
							.catch(reject);
					});
					let denied;
					try {
						await connection.request('no-such-endpoint', 'x');
					}
					catch (error) {
						denied = error.code;
					}
					return {
						transport: connection.transport, http: connection.http, encoding: connection.encoding,
						reply: reply.map(bytes), sum, countdown, pushed, denied,
					};
				}
				finally {
					connection.close();
				}
				""";

		static Map<String, Object> expected(String transport, String http, String encoding) {
			return Map.of("transport", transport, "http", http, "encoding", encoding, "reply",
					List.of("echo", "text", Map.of("bytes", List.of(0L, 255L, 1L))), "sum", 5L, "countdown",
					List.of(3L, 2L, 1L, 0L), "pushed", List.of("pushed.", "via " + transport), "denied", "forbidden");
		}

	}

}
