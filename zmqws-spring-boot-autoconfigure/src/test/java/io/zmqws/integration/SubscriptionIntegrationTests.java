package io.zmqws.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.zmqws.socket.SubscriptionHub;
import io.zmqws.socket.ZmqEndpoints;
import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.WsClient;
import io.zmqws.testsupport.ZmqBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Topic-prefix subscriptions through one shared SUB socket per endpoint, seen from the
 * clients and from a real XPUB backend that reports every subscription change.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SubscriptionIntegrationTests {

	private static final String FEED = FreePorts.tcp();

	private static final ZmqBackend feed = ZmqBackend.xpub(FEED);

	@LocalServerPort
	int port;

	@Autowired
	ZmqEndpoints endpoints;

	private final List<WsClient> clients = new ArrayList<>();

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.feed.type", () -> "SUB");
		registry.add("zmqws.endpoints.feed.address", () -> FEED);
	}

	@AfterAll
	static void stopBackend() {
		feed.close();
	}

	@AfterEach
	void closeClients() {
		this.clients.forEach(WsClient::close);
		await().atMost(Duration.ofSeconds(10)).until(() -> hub().subscribedTopics().isEmpty());
		feed.received().clear();
	}

	@Test
	void fansOutToEveryMatchingSubscriberOnlyWhatMatches() {
		WsClient quotes = subscriber("quotes.");
		WsClient euro = subscriber("quotes.EUR");
		WsClient news = subscriber("news.");
		publishUntil(() -> count(euro, "quotes.EURUSD") > 0 && count(news, "news.flash") > 0, "quotes.EURUSD",
				"news.flash");
		publish("quotes.GBPUSD", "1.27");
		quotes.await((m) -> isMessage(m, "quotes.GBPUSD"));
		publish("sport.goal", "1-0");
		publish("quotes.EURUSD", "last");
		euro.await((m) -> isMessage(m, "quotes.EURUSD") && m.path("frames").get(1).asString().equals("last"));
		quotes.await((m) -> isMessage(m, "quotes.EURUSD") && m.path("frames").get(1).asString().equals("last"));
		assertThat(topicsOf(euro)).containsOnly("quotes.EURUSD");
		assertThat(topicsOf(news)).containsOnly("news.flash");
		assertThat(topicsOf(quotes)).contains("quotes.EURUSD", "quotes.GBPUSD").doesNotContain("news.flash",
				"sport.goal");
	}

	@Test
	void messageMatchingSeveralPrefixesOfOneSocketArrivesOnce() {
		WsClient client = subscriber("a");
		client.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"ab\"}");
		client.await((m) -> m.path("op").asString().equals("subscribed") && m.path("topic").asString().equals("ab"));
		publishUntil(() -> count(client, "abc") > 0, "abc");
		publish("marker", "x");
		publish("abc", "final");
		client.await((m) -> isMessage(m, "abc") && m.path("frames").get(1).asString().equals("final"));
		assertThat(client.received().stream()
			.filter((m) -> isMessage(m, "abc") && m.path("frames").get(1).asString().equals("final"))).hasSize(1);
	}

	@Test
	void backendSubscriptionsFollowTheUnionOfClientPrefixes() {
		WsClient first = subscriber("x.");
		WsClient second = subscriber("x.");
		WsClient third = subscriber("y.");
		awaitBackendSubscribed("x.", "y.");
		assertThat(subscriptionEvents(1, "x.")).isEqualTo(1);
		second.send("{\"op\":\"unsubscribe\",\"sid\":1,\"topic\":\"x.\"}");
		second.awaitOp("unsubscribed", null);
		assertThat(hub().subscribedTopics()).extracting(String::new).contains("x.");
		first.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> subscriptionEvents(0, "x.") == 1);
		assertThat(hub().subscribedTopics()).extracting(String::new).containsOnly("y.");
		third.send("{\"op\":\"close\",\"sid\":1}");
		third.awaitOp("closed", null);
		await().atMost(Duration.ofSeconds(10)).until(() -> subscriptionEvents(0, "y.") == 1);
		assertThat(hub().subscribedTopics()).isEmpty();
	}

	@Test
	void unsubscribedSocketStopsReceiving() {
		WsClient client = subscriber("t.");
		publishUntil(() -> count(client, "t.1") > 0, "t.1");
		client.send("{\"op\":\"unsubscribe\",\"sid\":1,\"topic\":\"t.\"}");
		client.awaitOp("unsubscribed", null);
		WsClient witness = subscriber("t.");
		publishUntil(() -> count(witness, "t.2") > 0, "t.2");
		assertThat(count(client, "t.2")).isZero();
	}

	private WsClient subscriber(String topic) {
		WsClient client = WsClient.connect(this.port);
		this.clients.add(client);
		client.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"feed\"}");
		client.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"" + topic + "\"}");
		client.await((m) -> m.path("op").asString().equals("subscribed") && m.path("topic").asString().equals(topic));
		return client;
	}

	private SubscriptionHub hub() {
		return (SubscriptionHub) this.endpoints.find("feed");
	}

	private void awaitBackendSubscribed(String... topics) {
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			for (String topic : topics) {
				if (subscriptionEvents(1, topic) == 0) {
					return false;
				}
			}
			return true;
		});
	}

	private static long subscriptionEvents(int kind, String topic) {
		return feed.received().stream().filter((frames) -> {
			byte[] event = frames.get(0);
			return event.length == topic.length() + 1 && event[0] == kind
					&& new String(event, 1, event.length - 1, StandardCharsets.UTF_8).equals(topic);
		}).count();
	}

	/** Publishes until the condition holds: the SUB socket may still be joining. */
	private static void publishUntil(java.util.function.BooleanSupplier condition, String... topics) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Subscribers did not receive " + String.join(", ", topics));
			}
			for (String topic : topics) {
				publish(topic, "tick");
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}
	}

	private static void publish(String topic, String value) {
		feed.publish(List.of(topic.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
	}

	private static long count(WsClient client, String topic) {
		return client.received().stream().filter((m) -> isMessage(m, topic)).count();
	}

	private static List<String> topicsOf(WsClient client) {
		return client.received()
			.stream()
			.filter((m) -> m.path("op").asString().equals("message"))
			.map((m) -> m.path("frames").get(0).asString())
			.distinct()
			.toList();
	}

	private static boolean isMessage(JsonNode message, String topic) {
		return message.path("op").asString().equals("message")
				&& message.path("frames").get(0).asString().equals(topic);
	}

}
