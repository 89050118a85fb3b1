package io.zmqws.sample.browser;

import java.util.List;
import java.util.Map;

import io.zmqws.sample.FreePorts;
import io.zmqws.sample.rpc.CalculatorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client's API and its compatibility APIs, run in headless Chromium against the
 * sample application: each test runs a script in the page that imports
 * {@code /zmqws/client.js}, and asserts what the script observed.
 */
@ExtendWith(Chromium.Required.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ClientApiBrowserTests {

	private static final int ECHO_PORT = FreePorts.next();

	private static final int TICKER_PORT = FreePorts.next();

	private static final int SINK_PORT = FreePorts.next();

	/**
	 * Imports the client and defines {@code retry(fn)}, which repeats {@code fn} while it
	 * fails with backend_unavailable (the gateway may still be connecting to a demo
	 * backend), for at most 20 seconds.
	 */
	private static final String PRELUDE = """
			const client = await import('/zmqws/client.js');
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
			const bytes = (frame) => (typeof frame === 'string') ? frame : { bytes: [...frame] };
			""";

	private static Chromium browser;

	@LocalServerPort
	int port;

	@Autowired
	CalculatorService calculator;

	@DynamicPropertySource
	static void demoPorts(DynamicPropertyRegistry registry) {
		registry.add("demo.echo-port", () -> ECHO_PORT);
		registry.add("demo.ticker-port", () -> TICKER_PORT);
		registry.add("demo.sink-port", () -> SINK_PORT);
	}

	@BeforeEach
	void openPage() {
		if (browser == null) {
			browser = Chromium.start();
		}
		browser.open("http://127.0.0.1:" + this.port, "alice", "/");
	}

	@AfterAll
	static void closeBrowser() {
		if (browser != null) {
			browser.close();
			browser = null;
		}
	}

	@Test
	void requestReplyCarriesTextAndBinaryFrames() {
		Object reply = run("""
				const connection = client.connect();
				try {
					const reply = await retry(() => connection.request('echo', ['text', new Uint8Array([0, 255, 1])]));
					const second = await connection.request('echo', 'again', { timeout: 2000 });
					return { reply: reply.map(bytes), second, url: connection.url };
				}
				finally {
					connection.close();
				}
				""");
		assertThat(reply).isEqualTo(Map.of("reply", List.of("echo", "text", Map.of("bytes", List.of(0L, 255L, 1L))),
				"second", List.of("echo", "again"), "url", "ws://127.0.0.1:" + this.port + "/zmqws"));
	}

	@Test
	void subscriptionDeliversOnlyMessagesOfItsTopicUntilUnsubscribed() {
		Object result = run("""
				const connection = client.connect();
				try {
					const topics = [];
					let subscription;
					await new Promise((resolve) => {
						subscription = connection.subscribe('ticker', 'ticker.EUR', (frames, info) => {
							topics.push(client.frameText(frames[0]) + ' ' + info.topic);
							if (topics.length === 3) {
								resolve();
							}
						});
					});
					await subscription.ready;
					subscription.unsubscribe();
					const atUnsubscribe = topics.length;
					const other = await new Promise((resolve) => {
						const gbp = connection.subscribe('ticker', 'ticker.GBP', () => {
							gbp.unsubscribe();
							resolve('GBP seen');
						});
					});
					return { first: topics.slice(0, 3), afterUnsubscribe: topics.length - atUnsubscribe, other };
				}
				finally {
					connection.close();
				}
				""");
		assertThat(result).isEqualTo(Map.of("first", List.of("ticker.EURUSD ticker.EUR", "ticker.EURUSD ticker.EUR",
				"ticker.EURUSD ticker.EUR"), "afterUnsubscribe", 0L, "other", "GBP seen"));
	}

	@Test
	void rpcStreamingAndCancelWork() {
		int cancelledBefore = this.calculator.cancelledCountdowns();
		Object result = run("""
				const connection = client.connect();
				try {
					const sum = await connection.rpc('calc.add', [2, 3]);
					const kwargs = await connection.rpc('calc.divide', [], { a: 9, b: 3 });
					const collected = await connection.rpc('calc.countdown', [2]);
					const streamed = [];
					for await (const item of connection.stream('calc.countdown', [50])) {
						streamed.push(item);
						if (streamed.length === 2) {
							break;
						}
					}
					const controller = new AbortController();
					const aborted = connection.rpc('calc.countdown', [50], {}, { signal: controller.signal });
					setTimeout(() => controller.abort(), 200);
					const abortError = await aborted.then(() => 'resolved', (error) => error.code + ' ' + error.name);
					const methods = (await connection.methods()).map((method) => method.name + (method.streaming ? '*' : ''));
					return { sum, kwargs, collected, streamed, abortError, methods: methods.filter((name) => name.startsWith('calc.')).sort() };
				}
				finally {
					connection.close();
				}
				""");
		assertThat(result).isEqualTo(Map.of("sum", 5L, "kwargs", 3L, "collected", List.of(2L, 1L, 0L), "streamed",
				List.of(50L, 49L), "abortError", "aborted AbortError", "methods",
				List.of("calc.add", "calc.countdown*", "calc.divide")));
		// the break and the abort both reached the server as cancel
		browser.await("two countdowns cancelled on the server",
				(driver) -> this.calculator.cancelledCountdowns() >= cancelledBefore + 2);
	}

	@Test
	void serverCallsRegisteredFunctionsAndPublishesToPaths() {
		Object result = run("""
				const connection = client.connect();
				try {
					const registration = connection.register('notify', async (text, sentAt) => `got ${text} at ${typeof sentAt}`);
					await registration.ready;
					const answer = await connection.rpc('notifications.notifyMe', ['hi']);
					connection.register('notify', () => {
						throw new Error('Notifications are blocked');
					});
					const failure = await connection.rpc('notifications.notifyMe', ['again']).catch((error) => error.code + ': ' + error.message);
					const ticks = await new Promise((resolve) => {
						const seen = [];
						const subscription = connection.subscribe('/clock', (data, path) => {
							seen.push(path + ' ' + typeof data.time);
							if (seen.length === 2) {
								subscription.unsubscribe();
								resolve(seen);
							}
						});
					});
					return { answer, failure, ticks };
				}
				finally {
					connection.close();
				}
				""");
		assertThat(result).isEqualTo(Map.of("answer", "got hi at string", "failure",
				"client_error: Notifications are blocked", "ticks", List.of("/clock string", "/clock string")));
	}

	@Test
	void failuresRejectWithErrorsCarryingTheirCodes() {
		Object result = run("""
				const connection = client.connect();
				const describe = (error) => `${error.name} ${error.code} ${error instanceof client.ZmqwsError} ${error instanceof Error}`;
				// with Spring Security, an endpoint no rule allows is forbidden, whether it exists or not
				const endpoint = await connection.request('nowhere', 'x').catch(describe);
				const method = await connection.rpc('nope.missing').catch(describe);
				const argument = await connection.rpc('calc.add', ['two', 3]).catch(describe);
				const own = await connection.rpc('calc.divide', [1, 0]).catch(describe);
				connection.close();
				const closed = await connection.rpc('calc.add', [1, 2]).catch(describe);
				return [endpoint, method, argument, own, closed, connection.state];
				""");
		assertThat(result).isEqualTo(List.of("ForbiddenError forbidden true true", "ZmqwsError unknown_method true true",
				"ZmqwsError invalid_argument true true", "ZmqwsError division_by_zero true true",
				"DisconnectedError disconnected true true", "closed"));
	}

	@Test
	void tokenRefusedByAGatewayWithoutInBandAuthIsReportedAndTheConnectionStillWorks() {
		Object result = run("""
				const failures = [];
				const connection = client.connect({ token: async () => 'some-token' });
				connection.on('authfailed', (error) => failures.push(`${error.name} ${error.code}: ${error.message}`));
				try {
					await connection.opened();
					const sum = await connection.rpc('calc.add', [1, 2]);
					const refresh = await connection.refreshToken('another').catch((error) => `${error.name} ${error.code}`);
					return { failures, sum, user: connection.user ?? 'anonymous', refresh };
				}
				finally {
					connection.close();
				}
				""");
		assertThat(result).isEqualTo(Map.of("failures",
				List.of("UnauthenticatedError unauthenticated: This server accepts no in-band tokens"), "sum", 3L, "user",
				"anonymous", "refresh", "UnauthenticatedError unauthenticated"));
	}

	@Test
	void zmqWebBridgeStyleApiWorksOnNamedEndpointsAndRpc() {
		Object result = run("""
				const { zmq } = client;
				const context = new zmq.Context();
				try {
					const req = context.Socket(zmq.REQ);
					req.connect('echo');
					const reply = await retry(() => new Promise((resolve, reject) => req.send('hi', (answer, error) => error ? reject(error) : resolve(answer))));

					const sub = context.Socket(zmq.SUB);
					const messages = await new Promise((resolve) => {
						const seen = [];
						sub.onmessage = (message) => {
							seen.push(message[0]);
							if (seen.length === 2) {
								resolve(seen);
							}
						};
						sub.connect('ticker', 'ticker.GBP');
					});
					sub.close();

					const back = context.Socket(zmq.SUB);
					const pushedBack = new Promise((resolve) => {
						back.onmessage = (message) => resolve(message);
					});
					back.connect('ticker', 'pushed.');
					const push = context.Socket(zmq.PUSH);
					push.connect('events');
					let republished = null;
					pushedBack.then((message) => republished = message);
					const deadline = Date.now() + 20000;
					while (republished === null && Date.now() < deadline) {
						await push.send('pushed through the bridge API').catch((error) => error.code);
						await Promise.race([pushedBack, new Promise((resolve) => setTimeout(resolve, 200))]);
					}
					back.close();

					const calc = context.Socket(zmq.REQ);
					calc.connect('calc');
					const rpc = new zmq.RPCClient(calc);
					const sum = await new Promise((resolve) => rpc.rpc('add', [4, 5], {}, (value, error) => resolve(error ? error.code : value)));
					const divide = await new Promise((resolve) => rpc.rpc('divide', [4, 0], {}, (value, error) => resolve(error ? error.code : value)));

					const server = new zmq.PubRPCServer(context);
					server.greeting = 'published call: ';
					server.notify = function (text) {
						return this.greeting + text;
					};
					await context.connection.ping();
					const answer = await new zmq.RPCClient(context.connection).rpc('notifications.notifyMe', ['ping']);
					return { reply, messages, republished, sum, divide, answer, registered: server.registeredNames() };
				}
				finally {
					context.close();
				}
				""");
		assertThat(result).isEqualTo(Map.of("reply", List.of("echo", "hi"), "messages",
				List.of("ticker.GBPUSD", "ticker.GBPUSD"), "republished", List.of("pushed.", "pushed through the bridge API"),
				"sum", 9L, "divide", "division_by_zero", "answer", "published call: ping", "registered", List.of("notify")));
	}

	@Test
	void zephserverStyleApiMapsTasksOnRpcMethodsAndPaths() {
		Object result = run("""
				const zeph = new client.Zephserver();
				try {
					const delivered = [];
					zeph.subscribe('calc.countdown', (data) => delivered.push(data));
					const sent = await zeph.send('calc.countdown', 2);
					const clock = await new Promise((resolve) => {
						const callback = (data) => {
							zeph.unsubscribe('clock', callback);
							resolve(typeof data.tick);
						};
						zeph.subscribe('clock', callback);
					});
					const refused = await zeph.send('calc.divide', 1).catch((error) => error.code);
					return { sent, delivered, clock, refused };
				}
				finally {
					zeph.close();
				}
				""");
		assertThat(result).isEqualTo(Map.of("sent", List.of(2L, 1L, 0L), "delivered", List.of(List.of(2L, 1L, 0L)),
				"clock", "number", "refused", "invalid_argument"));
	}

	private static Object run(String body) {
		return browser.evaluate(PRELUDE + body);
	}

}
