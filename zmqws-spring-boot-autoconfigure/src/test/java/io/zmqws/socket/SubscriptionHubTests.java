package io.zmqws.socket;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.ZmqBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SubscriptionHub} against a real XPUB backend that reports every
 * subscription message the hub's SUB socket sends: the socket follows the union of the
 * subscribers' prefixes, inactive subscribers are forgotten, and messages are routed
 * once per subscriber, byte for byte.
 */
class SubscriptionHubTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	/** Long enough for JeroMQ's 30 second handshake timer to undo a stalled connect. */
	private static final Duration HANDSHAKE_RECOVERY = Duration.ofSeconds(60);

	private static final HexFormat HEX = HexFormat.of();

	private final String address = FreePorts.tcp();

	private final ZMQ.Context context = ZMQ.context(1);

	private ZmqBackend backend;

	private SubscriptionHub hub;

	@BeforeEach
	void start() {
		this.backend = ZmqBackend.xpub(this.address);
		this.hub = new SubscriptionHub(
				new EndpointDefinition("feed", EndpointType.SUB, List.of(this.address), false, SocketOptions.defaults()),
				this.context);
		this.hub.start(WAIT);
		awaitSubscriptionsFlow();
	}

	/**
	 * Returns once a probe subscription has reached the backend and left it again. A TCP
	 * connection, which is what {@link SubscriptionHub#connectedPeers()} reports, does
	 * not prove the ZeroMQ handshake is done: a JeroMQ 0.6.0 race on the connecting side
	 * can hold a fresh handshake until its 30 second timer reconnects.
	 */
	private void awaitSubscriptionsFlow() {
		Recorder probe = new Recorder();
		subscribe(probe, "probe");
		await().atMost(HANDSHAKE_RECOVERY).until(() -> events(1, "probe") > 0);
		unsubscribe(probe, "probe");
		awaitEvent(0, "probe");
		this.backend.received().clear();
	}

	@AfterEach
	void stop() {
		assertThat(this.hub.stop(WAIT)).isTrue();
		this.backend.close();
		this.context.term();
	}

	@Test
	void socketSubscribesAndUnsubscribesTheUnionOfPrefixesOnce() {
		Recorder first = new Recorder();
		Recorder second = new Recorder();
		Recorder third = new Recorder();
		subscribe(first, "x.");
		subscribe(second, "x.");
		subscribe(second, "x.");
		subscribe(third, "y.");
		awaitEvent(1, "y.");
		assertThat(events(1, "x.")).isEqualTo(1);
		assertThat(topics()).containsExactlyInAnyOrder("x.", "y.");

		unsubscribe(first, "x.");
		unsubscribe(first, "never subscribed");
		unsubscribe(third, "x.");
		subscribe(third, "marker-1");
		awaitEvent(1, "marker-1");
		assertThat(events(0, "x.")).as("x. still has a subscriber").isZero();
		assertThat(topics()).containsExactlyInAnyOrder("x.", "y.", "marker-1");

		unsubscribe(second, "x.");
		awaitEvent(0, "x.");
		subscribe(third, "marker-2");
		awaitEvent(1, "marker-2");
		assertThat(events(0, "x.")).isEqualTo(1);
		assertThat(events(1, "x.")).isEqualTo(1);
		assertThat(topics()).containsExactlyInAnyOrder("y.", "marker-1", "marker-2");
	}

	@Test
	void inactiveSubscriberIsForgottenWhenAMessageIsRoutedToIt() {
		Recorder leaving = new Recorder();
		Recorder staying = new Recorder();
		subscribe(leaving, "t.");
		subscribe(leaving, "a.");
		subscribe(staying, "t.");
		awaitEvent(1, "a.");
		publish("t.1", "before");
		await().atMost(WAIT).until(() -> leaving.messages.size() == 1 && staying.messages.size() == 1);

		leaving.active.set(false);
		publish("t.2", "after");
		await().atMost(WAIT).until(() -> staying.messages.size() == 2);
		awaitEvent(0, "a.");
		assertThat(events(0, "t.")).as("t. still has a subscriber").isZero();
		assertThat(topics()).containsExactly("t.");
		assertThat(leaving.messages).hasSize(1);
		assertThat(text(leaving.messages.peek().get(1))).isEqualTo("before");
	}

	@Test
	void messageMatchingTwoPrefixesOfOneSubscriberIsDeliveredOnce() {
		Recorder both = new Recorder();
		Recorder one = new Recorder();
		subscribe(both, "a");
		subscribe(both, "ab");
		subscribe(one, "ab");
		awaitEvent(1, "ab");
		publish("abc", "payload");
		publish("a-marker", "last");
		await().atMost(WAIT).until(() -> both.messages.stream().anyMatch((m) -> text(m.get(0)).equals("a-marker")));
		assertThat(both.messages).extracting((m) -> text(m.get(0))).containsExactly("abc", "a-marker");
		assertThat(one.messages).extracting((m) -> text(m.get(0))).containsExactly("abc");
		assertThat(both.messages.peek()).extracting(SubscriptionHubTests::text).containsExactly("abc", "payload");
	}

	@Test
	void binaryTopicsMatchByBytes() {
		Recorder high = new Recorder();
		Recorder invalidUtf8 = new Recorder();
		byte[] highTopic = { (byte) 0x80, (byte) 0xFF };
		byte[] invalidUtf8Topic = { (byte) 0xC3 };
		this.hub.subscribe(high, highTopic).block(WAIT);
		this.hub.subscribe(invalidUtf8, invalidUtf8Topic).block(WAIT);
		await().atMost(WAIT).until(() -> events(new byte[] { 1, (byte) 0x80, (byte) 0xFF }) == 1
				&& events(new byte[] { 1, (byte) 0xC3 }) == 1);
		assertThat(this.hub.subscribedTopics()).extracting(HEX::formatHex).containsExactlyInAnyOrder("80ff", "c3");

		List<byte[]> published = List.of(new byte[] { (byte) 0x80, (byte) 0xFF, 0x01 },
				new byte[] { (byte) 0x80, (byte) 0xFE }, new byte[] { (byte) 0xC3, 0x28 },
				new byte[] { 0x00, (byte) 0x80, (byte) 0xFF }, new byte[] { (byte) 0x80 }, new byte[] { (byte) 0xC3 },
				new byte[] { 0x7F, (byte) 0xFF }, new byte[] { (byte) 0x80, (byte) 0xFF });
		for (byte[] topic : published) {
			this.backend.publish(List.of(topic, new byte[] { 0 }));
		}
		await().atMost(WAIT).until(() -> high.messages.size() == 2);
		assertThat(high.messages).extracting((m) -> HEX.formatHex(m.get(0))).containsExactly("80ff01", "80ff");
		assertThat(invalidUtf8.messages).extracting((m) -> HEX.formatHex(m.get(0))).containsExactly("c328", "c3");
	}

	private void subscribe(Recorder subscriber, String topic) {
		this.hub.subscribe(subscriber, bytes(topic)).block(WAIT);
	}

	private void unsubscribe(Recorder subscriber, String topic) {
		this.hub.unsubscribe(subscriber, bytes(topic)).block(WAIT);
	}

	private void publish(String topic, String payload) {
		this.backend.publish(List.of(bytes(topic), bytes(payload)));
	}

	private List<String> topics() {
		return this.hub.subscribedTopics().stream().map(SubscriptionHubTests::text).toList();
	}

	private void awaitEvent(int kind, String topic) {
		await().atMost(WAIT).until(() -> events(kind, topic) > 0);
	}

	/** How many subscribe (1) or unsubscribe (0) messages for the topic the backend saw. */
	private long events(int kind, String topic) {
		byte[] topicBytes = bytes(topic);
		byte[] event = new byte[topicBytes.length + 1];
		event[0] = (byte) kind;
		System.arraycopy(topicBytes, 0, event, 1, topicBytes.length);
		return events(event);
	}

	private long events(byte[] event) {
		return this.backend.received().stream().filter((frames) -> Arrays.equals(frames.get(0), event)).count();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	/** Records what the hub delivers; inactive once told so. */
	private static final class Recorder implements SubscriptionHub.Subscriber {

		private final LinkedBlockingQueue<List<byte[]>> messages = new LinkedBlockingQueue<>();

		private final AtomicBoolean active = new AtomicBoolean(true);

		@Override
		public void onMessage(List<byte[]> frames) {
			this.messages.add(frames);
		}

		@Override
		public boolean isActive() {
			return this.active.get();
		}

	}

}
