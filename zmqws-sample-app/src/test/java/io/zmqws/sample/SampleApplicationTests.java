package io.zmqws.sample;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.zmqws.sample.GatewayClient.frames;
import static io.zmqws.sample.GatewayClient.isBackendUnavailable;
import static io.zmqws.sample.GatewayClient.isOp;
import static io.zmqws.sample.GatewayClient.sidOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application end to end: a real WebSocket client, the gateway, and the
 * embedded demo backends on free ports, wired by {@code application.yml}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SampleApplicationTests {

	private static final int ECHO_PORT = FreePorts.next();

	private static final int TICKER_PORT = FreePorts.next();

	private static final int SINK_PORT = FreePorts.next();

	private static final Set<String> TICKER_TOPICS = Set.of("ticker.EURUSD", "ticker.GBPUSD", "ticker.BTCUSD");

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void demoPorts(DynamicPropertyRegistry registry) {
		registry.add("demo.echo-port", () -> ECHO_PORT);
		registry.add("demo.ticker-port", () -> TICKER_PORT);
		registry.add("demo.sink-port", () -> SINK_PORT);
	}

	@Test
	void welcomeComesFirstWithTheJsonProtocol() {
		try (GatewayClient client = GatewayClient.connect(this.port)) {
			assertThat(client.selectedProtocol()).isEqualTo("zmqws.v1.json");
			JsonNode welcome = client.awaitMessage("welcome", (message) -> isOp(message, "welcome"));
			assertThat(client.received().get(0)).isEqualTo(welcome);
			assertThat(welcome.path("protocol").asString()).isEqualTo("zmqws.v1.json");
			assertThat(welcome.path("session").asString()).isNotBlank();
		}
	}

	@Test
	void endpointsOfApplicationYmlOpenWithTheirTypes() {
		try (GatewayClient client = GatewayClient.connect(this.port)) {
			assertThat(client.open(1, "echo").path("type").asString()).isEqualTo("REQ");
			assertThat(client.open(2, "ticker").path("type").asString()).isEqualTo("SUB");
			assertThat(client.open(3, "events").path("type").asString()).isEqualTo("PUSH");
		}
	}

	@Test
	void echoRepliesWithAnEchoFrameFollowedByTheRequestFrames() {
		try (GatewayClient client = GatewayClient.connect(this.port)) {
			assertThat(isOp(client.open(1, "echo"), "opened")).isTrue();
			JsonNode reply = requestOnceConnected(client, 1, List.of("hello", "zmq \u2603"));
			assertThat(isOp(reply, "reply")).as("answer %s", reply).isTrue();
			assertThat(frames(reply)).containsExactly("echo", "hello", "zmq \u2603");
			JsonNode second = client.request(1, List.of("again"));
			assertThat(frames(second)).containsExactly("echo", "again");
		}
	}

	@Test
	void tickerSubscriptionReceivesPricesOfEveryInstrument() {
		try (GatewayClient client = GatewayClient.connect(this.port)) {
			client.open(2, "ticker");
			client.subscribe(2, "ticker.");
			Predicate<JsonNode> tick = (message) -> isOp(message, "message") && sidOf(message) == 2;
			await("prices of " + TICKER_TOPICS).atMost(GatewayClient.WAIT)
				.pollInterval(Duration.ofMillis(20))
				.until(() -> topics(client.received(), tick), (topics) -> topics.containsAll(TICKER_TOPICS));
			List<JsonNode> ticks = client.received().stream().filter(tick).toList();
			assertThat(ticks).hasSizeGreaterThanOrEqualTo(TICKER_TOPICS.size());
			for (JsonNode message : ticks) {
				List<String> frames = frames(message);
				assertThat(frames).hasSize(2);
				assertThat(frames.get(0)).isIn(TICKER_TOPICS);
				assertThat(new BigDecimal(frames.get(1))).isPositive();
			}
		}
	}

	@Test
	void unsubscribedSocketReceivesNoMorePrices() {
		try (GatewayClient client = GatewayClient.connect(this.port)) {
			client.open(2, "ticker");
			client.open(5, "ticker");
			client.subscribe(2, "ticker.");
			client.subscribe(5, "ticker.");
			client.awaitMessage("a price on sid 2", (message) -> isOp(message, "message") && sidOf(message) == 2);
			client.send(Map.of("op", "unsubscribe", "sid", 2, "topic", "ticker."));
			JsonNode unsubscribed = client.awaitOp("unsubscribed", 2);
			int acknowledgedAt = client.received().indexOf(unsubscribed);
			// sid 5 shares the endpoint's SUB socket: its prices show the ticker goes on
			await("prices on sid 5 after the unsubscribe").atMost(GatewayClient.WAIT)
				.pollInterval(Duration.ofMillis(20))
				.until(() -> after(client.received(), acknowledgedAt).stream()
					.filter((message) -> isOp(message, "message") && sidOf(message) == 5)
					.count() >= 2 * TICKER_TOPICS.size());
			assertThat(after(client.received(), acknowledgedAt))
				.noneMatch((message) -> isOp(message, "message") && sidOf(message) == 2);
		}
	}

	@Test
	void pushedMessageComesBackOnThePushedTopic() {
		try (GatewayClient client = GatewayClient.connect(this.port)) {
			client.open(3, "events");
			client.open(4, "ticker");
			client.subscribe(4, "pushed.");
			Predicate<JsonNode> backOnPushed = (message) -> isOp(message, "message") && sidOf(message) == 4;
			List<String> pushedTexts = new ArrayList<>();
			// Until the gateway is connected to the collector, pushes fail with
			// backend_unavailable; until its subscription reaches the ticker, what is
			// republished is not delivered. So push new notes until one comes back.
			JsonNode back = await("a pushed note back on pushed.").atMost(GatewayClient.WAIT)
				.pollInterval(Duration.ofMillis(200))
				.until(() -> {
					Optional<JsonNode> found = client.find(backOnPushed);
					if (found.isEmpty()) {
						String text = "note " + pushedTexts.size();
						JsonNode answer = client.push(3, List.of(text));
						if (isOp(answer, "pushed")) {
							pushedTexts.add(text);
						}
						else {
							assertThat(isBackendUnavailable(answer)).as("answer %s", answer).isTrue();
						}
					}
					return found;
				}, Optional::isPresent)
				.get();
			List<String> frames = frames(back);
			assertThat(frames).hasSize(2);
			assertThat(frames.get(0)).isEqualTo("pushed.");
			assertThat(frames.get(1)).isIn(pushedTexts);
		}
	}

	@Test
	void rootServesThePageWithItsScriptAndStyles() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> page = get(http, "/");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("text/html"));
		assertThat(page.body()).contains("<title>zmqws sample</title>", "<script type=\"module\" src=\"app.js\">",
				"href=\"app.css\"");
		HttpResponse<String> script = get(http, "/app.js");
		assertThat(script.statusCode()).isEqualTo(200);
		assertThat(script.body()).contains("from '/zmqws/client.js'");
		HttpResponse<String> client = get(http, "/zmqws/client.js");
		assertThat(client.statusCode()).isEqualTo(200);
		assertThat(client.body()).contains("export const PROTOCOL = 'zmqws.v1.json'");
		assertThat(get(http, "/app.css").statusCode()).isEqualTo(200);
	}

	private JsonNode requestOnceConnected(GatewayClient client, long sid, List<String> frames) {
		// The gateway may still be connecting to the backend: retry while it says so.
		return await("an answer other than backend_unavailable").atMost(GatewayClient.WAIT)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> client.request(sid, frames), (answer) -> !isBackendUnavailable(answer));
	}

	@Test
	void bobWhoMayNotTradeIsRefusedAPushThatAliceMayMake() {
		try (GatewayClient bob = GatewayClient.connectAs(this.port, "bob", "bob")) {
			bob.send(Map.of("op", "open", "sid", 1, "endpoint", "events"));
			JsonNode denied = bob.awaitMessage("a denial", (message) -> isOp(message, "error"));
			assertThat(denied.path("code").asString()).isEqualTo("forbidden");
			assertThat(denied.path("failedOp").asString()).isEqualTo("open");
		}
		try (GatewayClient alice = GatewayClient.connect(this.port)) {
			alice.send(Map.of("op", "open", "sid", 1, "endpoint", "events"));
			alice.awaitMessage("opened", (message) -> isOp(message, "opened"));
		}
	}

	@Test
	void pageAndGatewayNeedALogin() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		HttpRequest anonymous = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/"))
			.header("Accept", "text/html")
			.timeout(Duration.ofSeconds(10))
			.build();
		HttpResponse<String> response = http.send(anonymous, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(302);
		assertThat(response.headers().firstValue("Location")).hasValueSatisfying((location) -> assertThat(location)
			.endsWith("/login"));
		HttpRequest script = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/zmqws"))
			.timeout(Duration.ofSeconds(10))
			.build();
		assertThat(http.send(script, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
	}

	private HttpResponse<String> get(HttpClient http, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.header("Authorization", GatewayClient.basic("alice", "alice"))
			.timeout(Duration.ofSeconds(10))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static Set<String> topics(List<JsonNode> received, Predicate<JsonNode> condition) {
		return received.stream()
			.filter(condition)
			.map((message) -> message.path("frames").path(0).asString())
			.collect(Collectors.toSet());
	}

	private static List<JsonNode> after(List<JsonNode> received, int index) {
		return received.subList(index + 1, received.size());
	}

}
