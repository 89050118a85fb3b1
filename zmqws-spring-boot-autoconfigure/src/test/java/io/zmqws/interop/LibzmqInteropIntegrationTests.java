package io.zmqws.interop;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import io.zmqws.integration.GatewayTestApplication;
import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.RequiredTools;
import io.zmqws.testsupport.WsClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Interoperability with libzmq, the C implementation of ZeroMQ: a real WebSocket client
 * talks through the gateway (JeroMQ) to REP, ROUTER, PUB, XPUB and PULL peers written
 * with pyzmq, each a Python process on loopback.
 * <p>
 * Needs {@code /usr/bin/python3} with the {@code zmq} module. Without it no peer is
 * started and {@link RequiredTools.Python3Zmq} skips each test (or fails it when
 * {@code ZMQWS_REQUIRE_TOOLS=true}) before the application context loads.
 */
@ExtendWith(RequiredTools.Python3Zmq.class)
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class LibzmqInteropIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final String REP = FreePorts.tcp();

	private static final String ROUTER = FreePorts.tcp();

	private static final String PUB = FreePorts.tcp();

	private static final String XPUB = FreePorts.tcp();

	private static final String PULL = FreePorts.tcp();

	/** What the PUB peer publishes on every round, in this order. */
	private static final List<byte[]> PUB_TOPICS = List.of(utf8("t.a"), utf8("t.ab"), utf8("t.b"), utf8("u.a"),
			new byte[] { (byte) 0xff, 0x00 });

	private static final List<PythonPeer> peers = new ArrayList<>();

	private static PythonPeer rep;

	private static PythonPeer router;

	private static PythonPeer pub;

	private static PythonPeer xpub;

	private static PythonPeer pull;

	private static volatile boolean backendsConnected;

	private final AtomicLong ids = new AtomicLong(1000);

	@LocalServerPort
	int port;

	@BeforeAll
	static void startLibzmqPeers() {
		if (!RequiredTools.isPython3ZmqAvailable()) {
			return; // RequiredTools.Python3Zmq skips or fails each test before it starts
		}
		rep = start("rep_server.py", REP);
		router = start("router_server.py", ROUTER);
		List<String> pubArguments = new ArrayList<>(List.of(PUB));
		for (byte[] topic : PUB_TOPICS) {
			pubArguments.add("--topic");
			pubArguments.add("hex:" + hex(topic));
		}
		pub = start("pub_server.py", pubArguments.toArray(String[]::new));
		xpub = start("pub_server.py", XPUB, "--xpub", "--topic", "x.1", "--topic", "x.2");
		pull = start("pull_server.py", PULL);
	}

	private static PythonPeer start(String script, String... arguments) {
		PythonPeer peer = PythonPeer.start(script, arguments);
		peers.add(peer);
		return peer;
	}

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.rep.type", () -> "REQ");
		registry.add("zmqws.endpoints.rep.address", () -> REP);
		registry.add("zmqws.endpoints.router.type", () -> "REQ");
		registry.add("zmqws.endpoints.router.address", () -> ROUTER);
		registry.add("zmqws.endpoints.pub.type", () -> "SUB");
		registry.add("zmqws.endpoints.pub.address", () -> PUB);
		registry.add("zmqws.endpoints.xpub.type", () -> "SUB");
		registry.add("zmqws.endpoints.xpub.address", () -> XPUB);
		registry.add("zmqws.endpoints.pull.type", () -> "PUSH");
		registry.add("zmqws.endpoints.pull.address", () -> PULL);
	}

	@AfterAll
	static void stopLibzmqPeers() {
		List<String> problems = new ArrayList<>();
		for (PythonPeer peer : peers) {
			String problem = peer.stop();
			if (problem != null) {
				problems.add(problem);
			}
		}
		peers.clear();
		assertThat(problems).as("Python peers that did not end cleanly on stdin EOF").isEmpty();
	}

	/**
	 * REQ and PUSH endpoints only send over completed connections, so the first message
	 * may find no backend yet: retry until the gateway has connected to each peer.
	 */
	@BeforeEach
	void awaitBackendConnections() {
		if (backendsConnected) {
			return;
		}
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(open(1, "rep")).send(open(2, "router")).send(open(3, "pull"));
			awaitOutcome(client, 1, "request", "reply", "warm-up");
			awaitOutcome(client, 2, "request", "reply", "warm-up");
			awaitOutcome(client, 3, "push", "pushed", "warm-up");
		}
		backendsConnected = true;
	}

	private void awaitOutcome(WsClient client, long sid, String op, String success, Object frame) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (true) {
			long id = this.ids.incrementAndGet();
			client.send(message(op, sid, id, frame));
			JsonNode outcome = client.await((m) -> m.path("id").asLong(-1) == id
					&& (m.path("op").asString().equals(success) || m.path("op").asString().equals("error")));
			if (outcome.path("op").asString().equals(success)) {
				return;
			}
			assertThat(outcome.path("code").asString()).as("error on sid %d: %s", sid, outcome)
				.isEqualTo("backend_unavailable");
			assertThat(System.nanoTime() - deadline).as("connected to the backend of sid %d within %s", sid, WAIT)
				.isNegative();
		}
	}

	@Test
	void textAndBinaryFramesRoundTripThroughLibzmqRepByteForByte() {
		String text = "rep byte-for-byte h\u00e9llo \u2603";
		byte[] binary = allByteValues();
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(open(1, "rep"));
			client.send(message("request", 1, 1L, text, binary, ""));
			JsonNode frames = client.awaitOp("reply", 1L).path("frames");
			assertThat(frames.size()).isEqualTo(3);
			assertThat(frames.get(0).isString()).isTrue();
			assertThat(frames.get(0).asString()).isEqualTo("py:" + text);
			assertThat(frames.get(1).isObject()).isTrue();
			assertThat(bytes(frames.get(1))).isEqualTo(binary);
			assertThat(frames.get(2).isString()).isTrue();
			assertThat(frames.get(2).asString()).isEmpty();
		}
		List<byte[]> received = framesOf(rep.awaitEvent((e) -> firstFrameIs(e, utf8(text)), WAIT));
		assertThat(received).containsExactly(utf8(text), binary, new byte[0]);
	}

	@Test
	void nonUtf8FirstFrameComesBackFromLibzmqRepAsBase64() {
		byte[] first = { (byte) 0xff, (byte) 0xfe, 0x00, 'n', 'u' };
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(open(1, "rep"));
			client.send(message("request", 1, 1L, first));
			JsonNode frames = client.awaitOp("reply", 1L).path("frames");
			assertThat(frames.size()).isEqualTo(1);
			assertThat(frames.get(0).isObject()).isTrue();
			assertThat(bytes(frames.get(0))).isEqualTo(concat(utf8("py:"), first));
		}
		assertThat(framesOf(rep.awaitEvent((e) -> firstFrameIs(e, first), WAIT))).containsExactly(first);
	}

	@Test
	void largeFrameRoundTripsThroughLibzmqRep() {
		byte[] large = new byte[300_000];
		new Random(42).nextBytes(large);
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(open(1, "rep"));
			client.send(message("request", 1, 1L, "large", large));
			JsonNode frames = client.awaitOp("reply", 1L).path("frames");
			assertThat(frames.size()).isEqualTo(2);
			assertThat(frames.get(0).asString()).isEqualTo("py:large");
			assertThat(bytes(frames.get(1))).isEqualTo(large);
		}
		assertThat(framesOf(rep.awaitEvent((e) -> firstFrameIs(e, utf8("large")), WAIT)).get(1)).isEqualTo(large);
	}

	@Test
	void manyRequestsInFlightThroughLibzmqRepEachGetTheirOwnReply() {
		int perClient = 150;
		List<WsClient> clients = IntStream.range(0, 3).mapToObj((i) -> WsClient.connect(this.port)).toList();
		try {
			for (int c = 0; c < clients.size(); c++) {
				WsClient client = clients.get(c);
				client.send(open(1, "rep"));
				for (int i = 0; i < perClient; i++) {
					client.send(message("request", 1, (long) i, "in flight " + c + "/" + i, tag(c, i)));
				}
			}
			for (int c = 0; c < clients.size(); c++) {
				List<JsonNode> replies = clients.get(c).awaitCount((m) -> m.path("op").asString().equals("reply"),
						perClient, WAIT);
				for (JsonNode reply : replies) {
					int id = reply.path("id").asInt();
					JsonNode frames = reply.path("frames");
					assertThat(frames.size()).isEqualTo(2);
					assertThat(frames.get(0).asString()).isEqualTo("py:in flight " + c + "/" + id);
					assertThat(bytes(frames.get(1))).isEqualTo(tag(c, id));
				}
				assertThat(replies.stream().map((r) -> r.path("id").asInt()).distinct().sorted())
					.containsExactlyElementsOf(IntStream.range(0, perClient).boxed().toList());
				assertThat(clients.get(c).received()).noneMatch((m) -> m.path("op").asString().equals("error"));
			}
		}
		finally {
			clients.forEach(WsClient::close);
		}
	}

	@Test
	void libzmqRouterSeesTheGatewayEnvelopeAndItsEchoRoutesTheReply() {
		byte[] binary = allByteValues();
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(open(1, "router"));
			client.send(message("request", 1, 1L, "router envelope", binary));
			JsonNode frames = client.awaitOp("reply", 1L).path("frames");
			assertThat(frames.size()).isEqualTo(2);
			assertThat(frames.get(0).asString()).isEqualTo("router:router envelope");
			assertThat(bytes(frames.get(1))).isEqualTo(binary);
		}
		JsonNode request = router.awaitEvent((e) -> firstFrameIs(e, utf8("router envelope")), WAIT);
		assertThat(framesOf(request)).containsExactly(utf8("router envelope"), binary);
		List<byte[]> envelope = decodeAll(request.path("envelope"));
		assertThat(envelope).as("routing id, correlation id, delimiter").hasSize(3);
		assertThat(envelope.get(0)).as("routing id added by ROUTER").isNotEmpty();
		assertThat(envelope.get(1)).as("correlation id").hasSize(Long.BYTES);
		assertThat(envelope.get(2)).as("delimiter").isEmpty();
	}

	@Test
	void repliesFromLibzmqRouterAreMatchedByCorrelationIdNotByOrder() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(open(1, "router"));
			client.send(message("request", 1, 1L, "delay:1500", "late"));
			client.send(message("request", 1, 2L, "prompt"));
			JsonNode late = client.awaitOp("reply", 1L);
			JsonNode prompt = client.awaitOp("reply", 2L);
			assertThat(late.path("frames").get(0).asString()).isEqualTo("router:delay:1500");
			assertThat(late.path("frames").get(1).asString()).isEqualTo("late");
			assertThat(prompt.path("frames").get(0).asString()).isEqualTo("router:prompt");
			List<JsonNode> received = client.received();
			assertThat(received.indexOf(prompt)).as("the prompt reply overtook the delayed one")
				.isLessThan(received.indexOf(late));
		}
	}

	@Test
	void subscriptionToLibzmqPubReceivesOnlyMatchingTopics() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(open(1, "pub"));
			client.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"t.a\"}");
			client.await((m) -> m.path("op").asString().equals("subscribed") && m.path("sid").asLong() == 1);
			List<JsonNode> messages = client.awaitCount((m) -> isMessage(m, 1), 20, WAIT);
			// Every round publishes all topics, so t.b, u.a and the binary topic were
			// published in between; none may arrive.
			assertThat(messages).allSatisfy((m) -> assertPublished(m, "t.a", "t.ab"));
			assertThat(topics(messages)).containsExactlyInAnyOrder("t.a", "t.ab");
			assertCountersIncreasePerTopic(messages);
		}
	}

	@Test
	void subscribersOfOneSubEndpointEachReceiveOnlyTheirOwnPrefixes() {
		try (WsClient narrow = WsClient.connect(this.port); WsClient wide = WsClient.connect(this.port)) {
			narrow.send(open(1, "pub"));
			narrow.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"t.a\"}");
			wide.send(open(1, "pub"));
			wide.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"t.\"}");
			wide.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":{\"base64\":\"/w==\"}}");
			List<JsonNode> wideTopicB = wide.awaitCount((m) -> isMessage(m, 1) && topicIs(m, "t.b"), 5, WAIT);
			long lastTopicB = wideTopicB.stream().mapToLong(LibzmqInteropIntegrationTests::counter).max().orElseThrow();
			// Once the narrow subscriber has a later round, t.b messages have passed
			// through the gateway's shared SUB socket while both were subscribed.
			narrow.await((m) -> isMessage(m, 1) && counter(m) > lastTopicB, WAIT);
			List<JsonNode> narrowMessages = narrow.received().stream().filter((m) -> isMessage(m, 1)).toList();
			assertThat(narrowMessages).allSatisfy((m) -> assertPublished(m, "t.a", "t.ab"));
			List<JsonNode> wideMessages = wide.awaitCount((m) -> isMessage(m, 1) && topicIs(m, "\\xff\\x00"), 3,
					WAIT);
			assertThat(wideMessages).allSatisfy((m) -> {
				assertThat(m.path("frames").get(0).isObject()).as("binary topic frame is base64").isTrue();
				assertThat(bytes(m.path("frames").get(0))).isEqualTo(new byte[] { (byte) 0xff, 0x00 });
			});
			List<JsonNode> allWide = wide.received().stream().filter((m) -> isMessage(m, 1)).toList();
			assertThat(allWide).allSatisfy((m) -> assertPublished(m, "t.a", "t.ab", "t.b", "\\xff\\x00"));
			assertThat(topics(allWide)).doesNotContain("u.a");
			assertCountersIncreasePerTopic(allWide);
		}
	}

	@Test
	void libzmqXpubSeesTheSubscriptionAndUnsubscriptionForTheExactPrefix() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(open(1, "xpub"));
			client.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"x.1\"}");
			client.await((m) -> m.path("op").asString().equals("subscribed") && m.path("sid").asLong() == 1);
			xpub.awaitEvent((e) -> isSubscription(e, "subscribe", "x.1"), WAIT);
			List<JsonNode> messages = client.awaitCount((m) -> isMessage(m, 1), 3, WAIT);
			assertThat(messages).allSatisfy((m) -> assertPublished(m, "x.1"));

			client.send("{\"op\":\"unsubscribe\",\"sid\":1,\"topic\":\"x.1\"}");
			JsonNode unsubscribed = client
				.await((m) -> m.path("op").asString().equals("unsubscribed") && m.path("sid").asLong() == 1);
			xpub.awaitEvent((e) -> isSubscription(e, "unsubscribe", "x.1"), WAIT);
			// Let later rounds flow through a second subscription before looking for strays.
			client.send(open(2, "xpub"));
			client.send("{\"op\":\"subscribe\",\"sid\":2,\"topic\":\"x.2\"}");
			client.awaitCount((m) -> isMessage(m, 2), 5, WAIT);
			List<JsonNode> received = client.received();
			assertThat(received.subList(received.indexOf(unsubscribed), received.size()))
				.noneMatch((m) -> isMessage(m, 1));
		}
		List<String> subscriptionTopics = xpub.events()
			.stream()
			.map((e) -> printable(decode(e.path("topic").asString())))
			.toList();
		assertThat(subscriptionTopics).containsOnly("x.1", "x.2");
	}

	@Test
	void pushToLibzmqPullArrivesByteForByte() {
		String text = "push byte-for-byte h\u00e9llo \u2603";
		byte[] binary = allByteValues();
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(open(1, "pull"));
			client.send(message("push", 1, 1L, text, binary, ""));
			client.awaitOp("pushed", 1L);
		}
		List<JsonNode> arrived = pull.awaitEvents((e) -> firstFrameIs(e, utf8(text)), 1, WAIT);
		assertThat(arrived).hasSize(1);
		assertThat(framesOf(arrived.get(0))).containsExactly(utf8(text), binary, new byte[0]);
	}

	@Test
	void manyPushesArriveAtLibzmqPullInOrder() {
		int count = 500;
		try (WsClient client = WsClient.connect(this.port)) {
			client.send(open(1, "pull"));
			for (int i = 0; i < count; i++) {
				client.send(message("push", 1, (long) i, "in order", Integer.toString(i)));
			}
			List<JsonNode> acknowledged = client.awaitCount((m) -> m.path("op").asString().equals("pushed"), count,
					WAIT);
			assertThat(acknowledged.stream().map((m) -> m.path("id").asInt()))
				.containsExactlyElementsOf(IntStream.range(0, count).boxed().toList());
			assertThat(client.received()).noneMatch((m) -> m.path("op").asString().equals("error"));
		}
		List<JsonNode> arrived = pull.awaitEvents((e) -> firstFrameIs(e, utf8("in order")), count, WAIT);
		assertThat(arrived.stream().map((e) -> new String(framesOf(e).get(1), StandardCharsets.UTF_8)))
			.containsExactlyElementsOf(IntStream.range(0, count).mapToObj(Integer::toString).toList());
	}

	private static String open(long sid, String endpoint) {
		return "{\"op\":\"open\",\"sid\":" + sid + ",\"endpoint\":\"" + endpoint + "\"}";
	}

	/** A request or push; a {@code String} frame is sent as text, a {@code byte[]} as base64. */
	private static String message(String op, long sid, Long id, Object... frames) {
		ObjectNode message = WsClient.JSON.createObjectNode();
		message.put("op", op);
		message.put("sid", sid);
		if (id != null) {
			message.put("id", id);
		}
		ArrayNode array = message.putArray("frames");
		for (Object frame : frames) {
			if (frame instanceof String text) {
				array.add(text);
			}
			else {
				array.addObject().put("base64", Base64.getEncoder().encodeToString((byte[]) frame));
			}
		}
		return message.toString();
	}

	/** A frame as the gateway sent it: a string for UTF-8, else {@code {"base64": ...}}. */
	private static byte[] bytes(JsonNode frame) {
		return frame.isString() ? utf8(frame.asString()) : decode(frame.path("base64").asString());
	}

	private static List<byte[]> framesOf(JsonNode event) {
		return decodeAll(event.path("frames"));
	}

	private static List<byte[]> decodeAll(JsonNode base64Frames) {
		List<byte[]> frames = new ArrayList<>();
		base64Frames.forEach((frame) -> frames.add(decode(frame.asString())));
		return frames;
	}

	private static boolean firstFrameIs(JsonNode event, byte[] first) {
		JsonNode frames = event.path("frames");
		return frames.size() > 0 && Arrays.equals(decode(frames.get(0).asString()), first);
	}

	private static boolean isSubscription(JsonNode event, String kind, String topic) {
		return event.path("event").asString().equals(kind)
				&& Arrays.equals(decode(event.path("topic").asString()), utf8(topic));
	}

	private static boolean isMessage(JsonNode message, long sid) {
		return message.path("op").asString().equals("message") && message.path("sid").asLong() == sid;
	}

	/** The topic frame, printable: bytes outside ASCII letters and signs as {@code \xNN}. */
	private static String topic(JsonNode message) {
		return printable(bytes(message.path("frames").get(0)));
	}

	private static String printable(byte[] bytes) {
		StringBuilder text = new StringBuilder();
		for (byte b : bytes) {
			if (b >= 0x20 && b < 0x7f && b != '\\') {
				text.append((char) b);
			}
			else {
				text.append(String.format("\\x%02x", b & 0xff));
			}
		}
		return text.toString();
	}

	private static boolean topicIs(JsonNode message, String topic) {
		return topic(message).equals(topic);
	}

	private static List<String> topics(List<JsonNode> messages) {
		return messages.stream().map(LibzmqInteropIntegrationTests::topic).distinct().toList();
	}

	private static long counter(JsonNode message) {
		return Long.parseLong(message.path("frames").get(1).asString());
	}

	/**
	 * Asserts a published message is {@code [topic, "n", n (8 bytes) ff fe 00]} on one
	 * of {@code topics}.
	 */
	private static void assertPublished(JsonNode message, String... topics) {
		JsonNode frames = message.path("frames");
		assertThat(frames.size()).as("frames of %s", message).isEqualTo(3);
		assertThat(topic(message)).as("topic of %s", message).isIn((Object[]) topics);
		long counter = counter(message);
		byte[] payload = ByteBuffer.allocate(Long.BYTES + 3).putLong(counter).put(new byte[] { -1, -2, 0 }).array();
		assertThat(frames.get(2).isObject()).as("binary payload of %s is base64", message).isTrue();
		assertThat(bytes(frames.get(2))).as("payload of %s", message).isEqualTo(payload);
		assertThat(message.has("dropped")).as("nothing dropped before %s", message).isFalse();
	}

	private static void assertCountersIncreasePerTopic(List<JsonNode> messages) {
		Map<String, Long> last = new HashMap<>();
		for (JsonNode message : messages) {
			long counter = counter(message);
			Long previous = last.put(topic(message), counter);
			assertThat(previous == null || counter > previous).as("counter of %s after %s", message, previous)
				.isTrue();
		}
	}

	private static byte[] allByteValues() {
		byte[] bytes = new byte[256];
		for (int i = 0; i < bytes.length; i++) {
			bytes[i] = (byte) i;
		}
		return bytes;
	}

	private static byte[] tag(int client, int request) {
		return ByteBuffer.allocate(9).putInt(client).putInt(request).put((byte) 0xff).array();
	}

	private static byte[] concat(byte[] first, byte[] second) {
		return ByteBuffer.allocate(first.length + second.length).put(first).put(second).array();
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] decode(String base64) {
		return Base64.getDecoder().decode(base64);
	}

	private static String hex(byte[] bytes) {
		StringBuilder hex = new StringBuilder();
		for (byte b : bytes) {
			hex.append(String.format("%02x", b));
		}
		return hex.toString();
	}

}
