package io.zmqws.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import io.zmqws.rpc.ZmqRpc;
import io.zmqws.rpc.ZmqRpcException;
import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.RequiredTools;
import io.zmqws.testsupport.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RPC interoperability with libzmq (pyzmq), both ways:
 * <ul>
 * <li>pyzmq DEALER and REQ clients ({@code rpc_client.py}) call the {@code @ZmqRpc}
 * methods that the gateway's ROUTER serves on {@code zmqws.rpc.bind};</li>
 * <li>a real WebSocket client calls methods of pyzmq ROUTER and REP services
 * ({@code rpc_server.py}) through endpoints of type {@code RPC}.</li>
 * </ul>
 * Both sides speak the RPC envelope: {@code {"id", "method", "args", "kwargs"}} or
 * {@code {"id", "cancel": true}}, answered by {@code {"id", "result"}},
 * {@code {"id", "item"}}... {@code {"id", "done": true}} or
 * {@code {"id", "error": {"code", "message"}}}.
 * <p>
 * Needs {@code /usr/bin/python3} with the {@code zmq} module; without it
 * {@link RequiredTools.Python3Zmq} skips each test (or fails it when
 * {@code ZMQWS_REQUIRE_TOOLS=true}) before the application context loads.
 */
@ExtendWith(RequiredTools.Python3Zmq.class)
@SpringBootTest(classes = RpcInteropIntegrationTests.InteropApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class RpcInteropIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	/** Where the gateway's ROUTER serves the {@code @ZmqRpc} methods. */
	private static final String GATEWAY_RPC = FreePorts.tcp();

	/** The Python ROUTER service behind the endpoints {@code pyrpc} and {@code pyhang}. */
	private static final String PY_ROUTER = FreePorts.tcp();

	/** The Python REP service behind the endpoint {@code pyrep}. */
	private static final String PY_REP = FreePorts.tcp();

	/** The Python ROUTER service behind {@code pygone}, which one test stops. */
	private static final String PY_DOOMED = FreePorts.tcp();

	/** Python's own lifetime limit, well beyond this class's run even on a busy machine. */
	private static final String MAX_SECONDS = "600";

	private static final List<PythonPeer> servers = new ArrayList<>();

	private static PythonPeer router;

	private static PythonPeer rep;

	private static PythonPeer doomed;

	private static volatile boolean remotesConnected;

	private final AtomicLong ids = new AtomicLong(1000);

	@LocalServerPort
	int port;

	@Autowired
	InteropService service;

	@BeforeAll
	static void startPythonServices() {
		if (!RequiredTools.isPython3ZmqAvailable()) {
			return; // RequiredTools.Python3Zmq skips or fails each test before it starts
		}
		router = startServer(PY_ROUTER);
		rep = startServer(PY_REP, "--rep");
		doomed = startServer(PY_DOOMED);
	}

	private static PythonPeer startServer(String address, String... options) {
		List<String> arguments = new ArrayList<>(List.of(address, "--max-seconds", MAX_SECONDS));
		arguments.addAll(List.of(options));
		PythonPeer server = PythonPeer.start("rpc_server.py", arguments.toArray(String[]::new));
		servers.add(server);
		return server;
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("zmqws.rpc.bind", () -> GATEWAY_RPC);
		registry.add("zmqws.endpoints.pyrpc.type", () -> "RPC");
		registry.add("zmqws.endpoints.pyrpc.address", () -> PY_ROUTER);
		// A second endpoint to the same service, which gives up quickly
		registry.add("zmqws.endpoints.pyhang.type", () -> "RPC");
		registry.add("zmqws.endpoints.pyhang.address", () -> PY_ROUTER);
		registry.add("zmqws.endpoints.pyhang.request-timeout", () -> "500ms");
		registry.add("zmqws.endpoints.pyrep.type", () -> "RPC");
		registry.add("zmqws.endpoints.pyrep.address", () -> PY_REP);
		// Longer than any wait here: only the lost connection can end its calls in time
		registry.add("zmqws.endpoints.pygone.type", () -> "RPC");
		registry.add("zmqws.endpoints.pygone.address", () -> PY_DOOMED);
		registry.add("zmqws.endpoints.pygone.request-timeout", () -> "120s");
	}

	@AfterAll
	static void stopPythonServices() {
		List<String> problems = new ArrayList<>();
		for (PythonPeer server : servers) {
			String problem = server.stop();
			if (problem != null) {
				problems.add(problem);
			}
		}
		servers.clear();
		assertThat(problems).as("Python services that did not end cleanly on stdin EOF").isEmpty();
	}

	/**
	 * RPC endpoints are {@code immediate}: a call before the gateway has connected to a
	 * service fails with {@code backend_unavailable}. Retry until each is connected (and,
	 * for the impatient {@code pyhang}, until a call beats its timeout).
	 */
	@BeforeEach
	void awaitRemoteServiceConnections() {
		if (remotesConnected) {
			return;
		}
		try (WsClient client = WsClient.connect(this.port)) {
			for (String endpoint : List.of("pyrpc", "pyhang", "pyrep", "pygone")) {
				awaitConnected(client, endpoint);
			}
		}
		remotesConnected = true;
	}

	private void awaitConnected(WsClient client, String endpoint) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (true) {
			long id = this.ids.incrementAndGet();
			client.send(call(id, endpoint + ".echo", "[\"warm-up\"]", null));
			JsonNode outcome = client.await((m) -> m.path("id").asLong(-1) == id
					&& (isOp(m, "result") || isOp(m, "error")), WAIT);
			if (isOp(outcome, "result")) {
				return;
			}
			assertThat(outcome.path("code").asString()).as("warm-up of %s: %s", endpoint, outcome)
				.isIn("backend_unavailable", "timeout");
			assertThat(System.nanoTime() - deadline).as("connected to %s within %s", endpoint, WAIT).isNegative();
		}
	}

	// pyzmq DEALER and REQ clients -> the gateway's ROUTER (zmqws.rpc.bind)

	@Test
	void dealerPlainCallsWithArgsAndKwargsGetTheirResultUnderTheirOwnId() {
		try (RpcClient client = RpcClient.start("dealer")) {
			client.send("{\"id\":\"p1\",\"method\":\"interop.add\",\"args\":[1,2]}");
			client.send("{\"id\":2,\"method\":\"interop.add\",\"kwargs\":{\"a\":10,\"b\":20}}");
			client.send("{\"id\":3,\"method\":\"interop.greet\",\"args\":[\"Ada\"],\"kwargs\":{\"greeting\":\"Hi\"}}");
			JsonNode sum = client.awaitAnswer("p1");
			JsonNode keywordSum = client.awaitAnswer(2);
			JsonNode greeting = client.awaitAnswer(3);
			assertThat(sum.toString()).isEqualTo("{\"id\":\"p1\",\"result\":3}");
			assertThat(keywordSum.toString()).as("an integer id stays an integer").isEqualTo("{\"id\":2,\"result\":30}");
			assertThat(greeting.path("result").asString()).isEqualTo("Hi, Ada");
			assertThat(client.answerEvents()).as("a DEALER gets each answer as one frame, without envelope")
				.allSatisfy((event) -> assertThat(event.path("frames").size()).isEqualTo(1));
		}
	}

	@Test
	void dealerStreamingCallYieldsItemsThenDone() {
		try (RpcClient client = RpcClient.start("dealer")) {
			client.send("{\"id\":\"s\",\"method\":\"interop.count\",\"args\":[4]}");
			client.awaitAnswer("s", "done");
			List<JsonNode> answers = client.answersTo("s");
			assertThat(answers).hasSize(5);
			assertThat(answers.subList(0, 4)).extracting((answer) -> answer.path("item").asInt())
				.containsExactly(1, 2, 3, 4);
			assertThat(answers.subList(0, 4)).allSatisfy((answer) -> assertThat(answer.has("item")).isTrue());
			assertThat(answers.get(4).toString()).isEqualTo("{\"id\":\"s\",\"done\":true}");
		}
	}

	@Test
	void dealerCallFailingWithAUserCodeGetsThatCode() {
		try (RpcClient client = RpcClient.start("dealer")) {
			client.send("{\"id\":\"d\",\"method\":\"interop.divide\",\"args\":[1,0]}");
			JsonNode error = client.awaitAnswer("d").path("error");
			assertThat(error.path("code").asString()).isEqualTo("division_by_zero");
			assertThat(error.path("message").asString()).isEqualTo("Cannot divide by zero");
		}
	}

	@Test
	void dealerCallWithABadArgumentGetsInvalidArgumentNamingIt() {
		try (RpcClient client = RpcClient.start("dealer")) {
			client.send("{\"id\":1,\"method\":\"interop.add\",\"args\":[\"one\",2]}");
			client.send("{\"id\":2,\"method\":\"interop.add\",\"args\":[1]}");
			client.send("{\"id\":3,\"method\":\"interop.add\",\"args\":[1,2],\"kwargs\":{\"c\":3}}");
			assertError(client.awaitAnswer(1), "invalid_argument", "Argument 'a' is not an integer");
			assertError(client.awaitAnswer(2), "invalid_argument", "Missing argument 'b'");
			assertError(client.awaitAnswer(3), "invalid_argument", "Unknown argument 'c'");
		}
	}

	@Test
	void dealerCallToAnUnknownMethodGetsUnknownMethod() {
		try (RpcClient client = RpcClient.start("dealer")) {
			client.send("{\"id\":1,\"method\":\"interop.nothing\",\"args\":[]}");
			client.send("{\"id\":2,\"method\":\"nosuch.add\",\"args\":[1,2]}");
			client.send("{\"id\":3,\"method\":\"pyrpc\"}");
			for (int id = 1; id <= 3; id++) {
				assertThat(client.awaitAnswer(id).path("error").path("code").asString()).isEqualTo("unknown_method");
			}
		}
	}

	@Test
	void dealerMalformedCallsGetBadMessageAndTheConnectionKeepsWorking() {
		try (RpcClient client = RpcClient.start("dealer")) {
			client.sendRaw("{\"id\":\"x\", not json");
			JsonNode notJson = client.awaitAnswer((answer) -> true);
			assertError(notJson, "bad_message", "");
			assertThat(notJson.has("id")).as("%s has an id field", notJson).isTrue();
			assertThat(notJson.path("id").isNull()).as("no id could be read from %s", notJson).isTrue();

			client.send("{\"method\":\"interop.add\",\"args\":[1,2]}");
			JsonNode noId = client.awaitAnswers((answer) -> true, 2).get(1);
			assertError(noId, "bad_message", "id");
			assertThat(noId.path("id").isNull()).as("no id in %s", noId).isTrue();

			client.send("{\"id\":\"m\",\"args\":[1,2]}");
			assertError(client.awaitAnswer("m"), "bad_message", "method");

			client.send("{\"id\":\"ok\",\"method\":\"interop.add\",\"args\":[2,2]}");
			assertThat(client.awaitAnswer("ok").path("result").asInt()).isEqualTo(4);
			assertThat(client.answerEvents()).hasSize(4);
		}
	}

	/**
	 * The stream's items come only from the test ({@link InteropService#feed}), so when
	 * the cancel lands no item is in flight and none can be produced after it: the
	 * outcome is exact, with no time window. The call after the cancel is a barrier: the
	 * ROUTER handles one client's messages in order, so anything the cancel could have
	 * triggered (an item, a {@code done}, an error) would be answered before it.
	 */
	@Test
	void dealerCancelOfAStreamingCallStopsItsItems() {
		String tag = "dealer-cancel";
		try (RpcClient client = RpcClient.start("dealer")) {
			client.send("{\"id\":\"f\",\"method\":\"interop.feed\",\"args\":[\"" + tag + "\"]}");
			Sinks.Many<Integer> feed = await().atMost(WAIT).until(() -> this.service.feeds.get(tag), (f) -> f != null);
			for (int item = 1; item <= 3; item++) {
				assertThat(feed.tryEmitNext(item)).isEqualTo(Sinks.EmitResult.OK);
			}
			client.awaitAnswers((answer) -> idIs(answer, "f") && answer.has("item"), 3);

			client.send("{\"id\":\"f\",\"cancel\":true}");
			await().atMost(WAIT).until(() -> this.service.cancelled.contains(tag));
			assertThat(feed.tryEmitNext(4)).as("the stream was cancelled at its source")
				.isNotEqualTo(Sinks.EmitResult.OK);

			client.send("{\"id\":\"after\",\"method\":\"interop.add\",\"args\":[1,1]}");
			assertThat(client.awaitAnswer("after").path("result").asInt()).isEqualTo(2);
			List<JsonNode> answers = client.answersTo("f");
			assertThat(answers).extracting((answer) -> answer.path("item").asInt()).containsExactly(1, 2, 3);
			assertThat(answers).as("nothing but the items, no done, error or result")
				.allSatisfy((answer) -> assertThat(answer.propertyNames()).containsExactlyInAnyOrder("id", "item"));
		}
	}

	@Test
	void reqPlainCallsWorkThroughTheEmptyDelimiterEnvelope() {
		try (RpcClient client = RpcClient.start("req")) {
			client.send("{\"id\":\"r1\",\"method\":\"interop.add\",\"args\":[20,22]}");
			assertThat(client.awaitAnswer("r1").toString()).isEqualTo("{\"id\":\"r1\",\"result\":42}");
			// REQ alternates strictly: a second call is possible only once the first was answered
			client.send("{\"id\":\"r2\",\"method\":\"interop.greet\",\"args\":[\"Bob\"]}");
			assertThat(client.awaitAnswer("r2").path("result").asString()).isEqualTo("Hello, Bob");
			assertThat(client.answerEvents()).as("REQ strips the delimiter: one frame per answer")
				.allSatisfy((event) -> assertThat(event.path("frames").size()).isEqualTo(1));
		}
	}

	// Browser -> gateway -> Python ROUTER and REP services (endpoints of type RPC)

	@Test
	void browserCallsAPythonRouterServiceWithArgsAndKwargs() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(call(1, "pyrpc.echo", "[\"marker-echo\",2]", "{\"flag\":true,\"nested\":{\"n\":[1]}}"));
			client.send(call(2, "pyrpc.add", "[40]", "{\"b\":2}"));
			JsonNode echoed = awaitOp(client, "result", 1).path("value");
			assertThat(echoed.toString())
				.isEqualTo("{\"args\":[\"marker-echo\",2],\"kwargs\":{\"flag\":true,\"nested\":{\"n\":[1]}}}");
			assertThat(awaitOp(client, "result", 2).path("value").asInt()).isEqualTo(42);
		}
		JsonNode seen = router.awaitEvent((e) -> isCall(e, "echo") && e.path("call").path("args").path(0)
			.asString()
			.equals("marker-echo"), WAIT);
		assertThat(seen.path("call").path("id").isIntegralNumber()).as("the gateway's own call id in %s", seen)
			.isTrue();
		List<byte[]> envelope = decodeAll(seen.path("envelope"));
		assertThat(envelope).as("routing id, correlation id, delimiter").hasSize(3);
		assertThat(envelope.get(0)).as("routing id added by ROUTER").isNotEmpty();
		assertThat(envelope.get(1)).as("correlation id").hasSize(Long.BYTES);
		assertThat(envelope.get(2)).as("delimiter").isEmpty();
	}

	@Test
	void browserGetsTheItemsThenDoneOfAPythonStream() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(call(7, "pyrpc.count", "[5]", null));
			awaitOp(client, "done", 7);
			List<JsonNode> messages = messagesFor(client, 7);
			assertThat(messages).extracting((m) -> m.path("op").asString())
				.containsExactly("item", "item", "item", "item", "item", "done");
			assertThat(messages.subList(0, 5)).extracting((m) -> m.path("value").asInt())
				.containsExactly(1, 2, 3, 4, 5);
		}
	}

	@Test
	void browserGetsTheErrorCodeAndMessageOfAPythonService() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(call(3, "pyrpc.fail", "[\"py_refused\",\"Not today\"]", null));
			JsonNode error = awaitOp(client, "error", 3);
			assertThat(error.path("code").asString()).isEqualTo("py_refused");
			assertThat(error.path("message").asString()).isEqualTo("Not today");
			assertThat(error.path("failedOp").asString()).isEqualTo("call");
		}
	}

	@Test
	void browserGetsUnknownMethodFromThePythonServiceItself() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(call(4, "pyrpc.nope", "[]", null));
			JsonNode error = awaitOp(client, "error", 4);
			assertThat(error.path("code").asString()).isEqualTo("unknown_method");
			assertThat(error.path("message").asString()).as("the Python service's own message")
				.isEqualTo("The python service has no method 'nope'");
		}
		router.awaitEvent((e) -> isCall(e, "nope"), WAIT);
	}

	@Test
	void browserGetsTimeoutWhenThePythonServiceNeverAnswers() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(call(5, "pyhang.hang", "[]", null));
			JsonNode error = awaitOp(client, "error", 5);
			assertThat(error.path("code").asString()).isEqualTo("timeout");
			assertThat(error.path("failedOp").asString()).isEqualTo("call");
		}
		router.awaitEvent((e) -> isCall(e, "hang"), WAIT);
	}

	@Test
	void browserCallsAPythonRepService() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(call(6, "pyrep.add", "[2]", "{\"b\":3}"));
			assertThat(awaitOp(client, "result", 6).path("value").asInt()).isEqualTo(5);
			client.send(call(7, "pyrep.echo", "[\"marker-rep\"]", null));
			assertThat(awaitOp(client, "result", 7).path("value").path("args").toString())
				.isEqualTo("[\"marker-rep\"]");
		}
		JsonNode seen = rep.awaitEvent((e) -> isCall(e, "echo")
				&& e.path("call").path("args").path(0).asString().equals("marker-rep"), WAIT);
		assertThat(seen.path("envelope").size()).as("REP keeps the envelope to itself").isZero();
	}

	/**
	 * The Python stream runs by itself, so items may be in flight when the cancel lands:
	 * the service reports how many it had sent when the cancel arrived, and the browser
	 * may have received at most those. After the next call's result on the same
	 * connection the browser's count is final.
	 */
	@Test
	void browserCancelOfAPythonStreamReachesTheServiceAndStopsTheItems() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(call(8, "pyrpc.ticks", "[20]", null));
			client.awaitCount((m) -> isOp(m, "item") && m.path("id").asLong() == 8, 3, WAIT);
			client.send("{\"op\":\"cancel\",\"id\":8}");
			JsonNode ticks = router.awaitEvent((e) -> isCall(e, "ticks"), WAIT);
			JsonNode cancelled = router.awaitEvent((e) -> e.path("event").asString().equals("cancelled")
					&& e.path("id").equals(ticks.path("call").path("id")), WAIT);
			assertThat(cancelled.path("known").asBoolean()).as("the cancel matched the running stream: %s", cancelled)
				.isTrue();
			JsonNode cancel = router.awaitEvent((e) -> e.path("event").asString().equals("call")
					&& e.path("call").path("cancel").asBoolean(false)
					&& e.path("call").path("id").equals(ticks.path("call").path("id")), WAIT);
			assertThat(decodeAll(cancel.path("envelope")).get(1)).as("the cancel travels under its own correlation id")
				.isNotEqualTo(decodeAll(ticks.path("envelope")).get(1));

			client.send(call(9, "pyrpc.echo", "[\"after-cancel\"]", null));
			awaitOp(client, "result", 9);
			List<JsonNode> messages = messagesFor(client, 8);
			assertThat(messages).as("only items, no done or error").allSatisfy((m) -> assertThat(isOp(m, "item")).isTrue());
			assertThat(messages.size()).as("items received, against items sent before the cancel arrived")
				.isLessThanOrEqualTo(cancelled.path("sent").asInt());
		}
	}

	/**
	 * Stops a service of its own, so the order of the tests does not matter. With
	 * {@code immediate: true} (the default) losing the connection fails the call in
	 * flight at once and later calls are refused without waiting, both long before the
	 * endpoint's 120 s timeout.
	 */
	@Test
	void browserGetsBackendUnavailableOnceThePythonServiceIsGone() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(call(1, "pygone.hang", "[]", null));
			doomed.awaitEvent((e) -> isCall(e, "hang"), WAIT);
			String problem = doomed.stop();
			servers.remove(doomed);
			assertThat(problem).as("the doomed service ended cleanly").isNull();

			JsonNode inFlight = awaitOp(client, "error", 1);
			assertThat(inFlight.path("code").asString()).as("call in flight: %s", inFlight)
				.isEqualTo("backend_unavailable");
			client.send(call(2, "pygone.echo", "[\"too late\"]", null));
			JsonNode refused = awaitOp(client, "error", 2);
			assertThat(refused.path("code").asString()).as("call after: %s", refused).isEqualTo("backend_unavailable");
			assertThat(refused.path("failedOp").asString()).isEqualTo("call");
		}
	}

	// Helpers

	private static String call(long id, String method, String args, String kwargs) {
		return "{\"op\":\"call\",\"id\":" + id + ",\"method\":\"" + method + "\",\"args\":" + args
				+ ((kwargs != null) ? ",\"kwargs\":" + kwargs : "") + "}";
	}

	private static JsonNode awaitOp(WsClient client, String op, long id) {
		return client.await((m) -> isOp(m, op) && m.path("id").asLong(-1) == id, WAIT);
	}

	private static List<JsonNode> messagesFor(WsClient client, long id) {
		return client.received().stream().filter((m) -> m.path("id").asLong(-1) == id).toList();
	}

	private static boolean isOp(JsonNode message, String op) {
		return message.path("op").asString().equals(op);
	}

	private static boolean isCall(JsonNode event, String method) {
		return event.path("event").asString().equals("call")
				&& event.path("call").path("method").asString().equals(method);
	}

	/** Whether an RPC answer is for {@code id}, a {@code String} or an {@code Integer}, type included. */
	private static boolean idIs(JsonNode answer, Object id) {
		return answer.has("id") && answer.get("id").toString().equals(WsClient.JSON.writeValueAsString(id));
	}

	private static void assertError(JsonNode answer, String code, String messagePart) {
		assertThat(answer.path("error").path("code").asString()).as("code in %s", answer).isEqualTo(code);
		assertThat(answer.path("error").path("message").asString()).as("message in %s", answer)
			.contains(messagePart);
		assertThat(answer.has("result") || answer.has("item") || answer.has("done")).as("only an error: %s", answer)
			.isFalse();
	}

	private static List<byte[]> decodeAll(JsonNode base64Frames) {
		List<byte[]> frames = new ArrayList<>();
		base64Frames.forEach((frame) -> frames.add(Base64.getDecoder().decode(frame.asString())));
		return frames;
	}

	/**
	 * A pyzmq DEALER or REQ client of the gateway's ROUTER ({@code rpc_client.py}). Each
	 * call is appended to a command file that the script follows, and the call returns
	 * once the script has sent it; the script reports every answer as an event.
	 */
	private static final class RpcClient implements AutoCloseable {

		private final Path commands;

		private final PythonPeer peer;

		private int sent;

		private RpcClient(Path commands, PythonPeer peer) {
			this.commands = commands;
			this.peer = peer;
		}

		static RpcClient start(String type) {
			Path commands;
			try {
				commands = Files.createTempFile("zmqws-rpc-client", ".jsonl");
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			try {
				return new RpcClient(commands, PythonPeer.start("rpc_client.py", GATEWAY_RPC, "--type", type,
						"--commands", commands.toString(), "--max-seconds", MAX_SECONDS));
			}
			catch (RuntimeException | AssertionError ex) {
				deleteQuietly(commands);
				throw ex;
			}
		}

		/** Sends {@code call}, JSON text, as the call frame. */
		void send(String call) {
			command(WsClient.JSON.createObjectNode().set("send", WsClient.JSON.readTree(call)));
		}

		/** Sends {@code text} as the call frame, as it is. */
		void sendRaw(String text) {
			command(WsClient.JSON.createObjectNode().put("raw", text));
		}

		private void command(ObjectNode command) {
			try {
				Files.writeString(this.commands, command.toString() + "\n", StandardCharsets.UTF_8,
						StandardOpenOption.APPEND);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			int seq = ++this.sent;
			JsonNode outcome = this.peer.awaitEvent((e) -> e.path("seq").asInt() == seq, WAIT);
			assertThat(outcome.path("event").asString()).as("command %d: %s", seq, outcome).isEqualTo("sent");
		}

		/** The first answer for {@code id}. */
		JsonNode awaitAnswer(Object id) {
			return awaitAnswer((answer) -> idIs(answer, id));
		}

		/** The first answer for {@code id} that has the field {@code kind}. */
		JsonNode awaitAnswer(Object id, String kind) {
			return awaitAnswer((answer) -> idIs(answer, id) && answer.has(kind));
		}

		JsonNode awaitAnswer(Predicate<JsonNode> condition) {
			return awaitAnswers(condition, 1).get(0);
		}

		/** Waits until {@code count} answers match and returns them in order of arrival. */
		List<JsonNode> awaitAnswers(Predicate<JsonNode> condition, int count) {
			return this.peer
				.awaitEvents((e) -> e.path("event").asString().equals("answer") && condition.test(e.path("answer")),
						count, WAIT)
				.stream()
				.map((e) -> e.path("answer"))
				.toList();
		}

		/** The answers for {@code id} so far, in order of arrival. */
		List<JsonNode> answersTo(Object id) {
			return answerEvents().stream().map((e) -> e.path("answer")).filter((a) -> idIs(a, id)).toList();
		}

		/** Every answer event so far, frames included. */
		List<JsonNode> answerEvents() {
			return this.peer.events().stream().filter((e) -> e.path("event").asString().equals("answer")).toList();
		}

		@Override
		public void close() {
			String problem = this.peer.stop();
			deleteQuietly(this.commands);
			assertThat(problem).as("the Python client ended cleanly on stdin EOF").isNull();
		}

		private static void deleteQuietly(Path file) {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ex) {
				// a leftover temporary file is harmless
			}
		}

	}

	/** The application: zmqws's auto-configuration and one {@code @ZmqRpc} service. */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class InteropApplication {

		@Bean
		InteropService interopService() {
			return new InteropService();
		}

	}

	/** What the pyzmq clients call, as {@code interop.<method>}. */
	@ZmqRpc("interop")
	static class InteropService {

		/** Feeds of {@link #feed} calls, by tag. */
		final Map<String, Sinks.Many<Integer>> feeds = new ConcurrentHashMap<>();

		/** Tags of {@link #feed} calls whose subscription was cancelled. */
		final Set<String> cancelled = ConcurrentHashMap.newKeySet();

		int add(int a, int b) {
			return a + b;
		}

		String greet(String name, Optional<String> greeting) {
			return greeting.orElse("Hello") + ", " + name;
		}

		Flux<Integer> count(int to) {
			return Flux.range(1, to);
		}

		double divide(double a, double b) {
			if (b == 0) {
				throw new ZmqRpcException("division_by_zero", "Cannot divide by zero");
			}
			return a / b;
		}

		/** An endless stream whose items the test emits through {@link #feeds}. */
		Flux<Integer> feed(String tag) {
			Sinks.Many<Integer> sink = Sinks.many().unicast().onBackpressureBuffer();
			this.feeds.put(tag, sink);
			return sink.asFlux().doOnCancel(() -> this.cancelled.add(tag));
		}

	}

}
