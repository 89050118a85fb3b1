package io.zmqws.socket;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.RouterBackend;
import io.zmqws.testsupport.ZmqBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RequestChannel} against a real ROUTER backend on loopback: the
 * correlation envelope, replies matched by id whatever their order, replies nobody
 * awaits dropped and counted, and every way a request can fail. Each implementation runs
 * them all.
 */
abstract class RequestChannelTests {

	protected static final Duration WAIT = Duration.ofSeconds(10);

	/** Long enough for JeroMQ's 30 second handshake timer to undo a stalled connect. */
	protected static final Duration HANDSHAKE_RECOVERY = Duration.ofSeconds(60);

	private static final byte[] EMPTY = new byte[0];

	protected final String address = FreePorts.tcp();

	private final ZMQ.Context context = ZMQ.context(1);

	protected RequestChannel channel;

	private RouterBackend backend;

	private long droppedBaseline;

	@AfterEach
	void stop() {
		if (this.channel != null) {
			assertThat(this.channel.stop(WAIT)).isTrue();
		}
		if (this.backend != null) {
			this.backend.close();
		}
		this.context.term();
	}

	@Test
	void requestCarriesTheCorrelationEnvelopeAndTheReplyDropsIt() throws Exception {
		connected(options());
		CompletableFuture<List<byte[]>> first = request("hello");
		CompletableFuture<List<byte[]>> second = request("multi", "part");
		List<byte[]> firstReceived = this.backend.take();
		List<byte[]> secondReceived = this.backend.take();
		assertEnvelope(firstReceived, "hello");
		assertEnvelope(secondReceived, "multi", "part");
		assertThat(secondReceived.get(0)).as("same DEALER identity").isEqualTo(firstReceived.get(0));
		assertThat(secondReceived.get(1)).as("distinct correlation ids").isNotEqualTo(firstReceived.get(1));
		this.backend.send(reply(secondReceived, "second", "reply"));
		this.backend.send(reply(firstReceived, "first reply"));
		assertThat(texts(first.get(10, TimeUnit.SECONDS))).containsExactly("first reply");
		assertThat(texts(second.get(10, TimeUnit.SECONDS))).containsExactly("second", "reply");
		assertThat(dropped()).isZero();
	}

	@Test
	void repliesAnsweredInReverseOrderReachTheirOwnRequests() throws Exception {
		connected(options());
		List<CompletableFuture<List<byte[]>>> futures = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			futures.add(request("request-" + i));
		}
		List<List<byte[]>> received = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			received.add(this.backend.take());
		}
		Collections.reverse(received);
		for (List<byte[]> request : received) {
			this.backend.send(reply(request, "reply-to-" + text(request.get(3))));
		}
		for (int i = 0; i < 10; i++) {
			assertThat(texts(futures.get(i).get(10, TimeUnit.SECONDS))).containsExactly("reply-to-request-" + i);
		}
		assertThat(dropped()).isZero();
	}

	@Test
	void duplicateUnknownAndMalformedRepliesAreDroppedAndCounted() throws Exception {
		connected(options());
		CompletableFuture<List<byte[]>> a = request("a");
		CompletableFuture<List<byte[]>> b = request("b");
		List<byte[]> requestA = this.backend.take();
		List<byte[]> requestB = this.backend.take();
		byte[] identity = requestA.get(0);
		byte[] idA = requestA.get(1);
		this.backend.send(List.of(identity, idA, bytes("no delimiter")));
		this.backend.send(List.of(identity, idA));
		this.backend.send(List.of(identity, new byte[] { 0, 0, 0, 1 }, EMPTY, bytes("short id")));
		this.backend.send(List.of(identity, Frames.ofLong(Long.MAX_VALUE), EMPTY, bytes("unknown id")));
		this.backend.send(reply(requestA, "answer-a"));
		this.backend.send(reply(requestA, "duplicate-a"));
		await().atMost(WAIT).until(() -> dropped() == 5);
		assertThat(texts(a.get(10, TimeUnit.SECONDS))).containsExactly("answer-a");
		assertThat(b).isNotDone();
		this.backend.send(reply(requestB, "answer-b"));
		assertThat(texts(b.get(10, TimeUnit.SECONDS))).containsExactly("answer-b");
		assertThat(dropped()).isEqualTo(5);
	}

	@Test
	void requestTimesOutAndItsLateReplyIsDropped() {
		connected(options());
		StepVerifier.create(this.channel.request(frames("slow"), Duration.ofMillis(100)))
			.expectErrorSatisfies((ex) -> assertReason(ex, ZmqSocketException.Reason.TIMEOUT))
			.verify(WAIT);
		List<byte[]> request = this.backend.take();
		this.backend.send(reply(request, "too late"));
		await().atMost(WAIT).until(() -> dropped() == 1);
	}

	@Test
	void endpointTimeoutAppliesWhenTheRequestGivesNone() {
		connected(options(Duration.ofMillis(100), 100, 1024, true));
		StepVerifier.create(this.channel.request(frames("slow"), null))
			.expectErrorSatisfies((ex) -> assertReason(ex, ZmqSocketException.Reason.TIMEOUT))
			.verify(WAIT);
	}

	@Test
	void requestsBeyondMaxPendingRequestsAreOverloaded() throws Exception {
		connected(options(Duration.ofSeconds(30), 2, 1024, true));
		CompletableFuture<List<byte[]>> first = request("1");
		CompletableFuture<List<byte[]>> second = request("2");
		List<byte[]> firstReceived = this.backend.take();
		this.backend.take();
		StepVerifier.create(this.channel.request(frames("3"), null))
			.expectErrorSatisfies((ex) -> assertReason(ex, ZmqSocketException.Reason.OVERLOADED))
			.verify(WAIT);
		assertThat(first).isNotDone();
		assertThat(second).isNotDone();
		this.backend.send(reply(firstReceived, "one"));
		assertThat(texts(first.get(10, TimeUnit.SECONDS))).containsExactly("one");
		CompletableFuture<List<byte[]>> fourth = request("4");
		List<byte[]> fourthReceived = this.backend.take();
		assertThat(text(fourthReceived.get(3))).isEqualTo("4");
		this.backend.send(reply(fourthReceived, "four"));
		assertThat(texts(fourth.get(10, TimeUnit.SECONDS))).containsExactly("four");
	}

	@Test
	void requestLargerThanMaxMessageSizeIsTooLargeAndNeverReachesTheBackend() throws Exception {
		connected(options(Duration.ofSeconds(30), 100, 1024, true));
		StepVerifier.create(this.channel.request(List.of(new byte[1000], new byte[25]), null))
			.expectErrorSatisfies((ex) -> assertReason(ex, ZmqSocketException.Reason.TOO_LARGE))
			.verify(WAIT);
		CompletableFuture<List<byte[]>> largest = this.channel.request(List.of(new byte[1000], new byte[24]), null)
			.toFuture();
		List<byte[]> received = this.backend.take();
		assertThat(received.subList(3, received.size())).as("first message the backend saw")
			.extracting((frame) -> frame.length)
			.containsExactly(1000, 24);
		this.backend.send(reply(received, "ok"));
		assertThat(texts(largest.get(10, TimeUnit.SECONDS))).containsExactly("ok");
		assertThat(this.backend.received()).isEmpty();
	}

	@Test
	void withImmediateAndNoBackendRequestFailsAtOnceAsBackendUnavailable() {
		start(options(Duration.ofMinutes(5), 100, 1024, true));
		StepVerifier.create(this.channel.request(frames("anyone?"), null))
			.expectErrorSatisfies((ex) -> assertReason(ex, ZmqSocketException.Reason.BACKEND_UNAVAILABLE))
			.verify(WAIT);
	}

	@Test
	void withImmediateRequestsGoOnlyToConnectedBackends() throws Exception {
		String down = FreePorts.tcp();
		start(options(), this.address, down);
		this.backend = RouterBackend.bind(this.address);
		awaitRoundTrip();
		List<CompletableFuture<List<byte[]>>> futures = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			futures.add(request("request-" + i));
		}
		for (int i = 0; i < 4; i++) {
			List<byte[]> received = this.backend.take();
			this.backend.send(reply(received, "reply-to-" + text(received.get(3))));
		}
		for (int i = 0; i < 4; i++) {
			assertThat(texts(futures.get(i).get(10, TimeUnit.SECONDS))).containsExactly("reply-to-request-" + i);
		}
	}

	@Test
	void withoutImmediateRequestWaitsForTheBackend() throws Exception {
		start(options(HANDSHAKE_RECOVERY.multipliedBy(2), 100, 1024, false));
		CompletableFuture<List<byte[]>> future = request("queued");
		this.backend = RouterBackend.bind(this.address);
		List<byte[]> received = this.backend.take(HANDSHAKE_RECOVERY);
		assertEnvelope(received, "queued");
		this.backend.send(reply(received, "served"));
		assertThat(texts(future.get(HANDSHAKE_RECOVERY.toSeconds(), TimeUnit.SECONDS))).containsExactly("served");
	}

	@Test
	void cancellingARequestForgetsItAndItsReplyIsDropped() throws Exception {
		connected(options(Duration.ofSeconds(30), 1, 1024, true));
		AtomicReference<Object> signal = new AtomicReference<>();
		Disposable subscription = this.channel.request(frames("abandoned"), null)
			.subscribe(signal::set, signal::set, () -> signal.compareAndSet(null, "completed"));
		List<byte[]> abandoned = this.backend.take();
		subscription.dispose();
		// the cancel is queued to the channel's thread before the next request
		CompletableFuture<List<byte[]>> next = request("next");
		List<byte[]> nextReceived = this.backend.take();
		assertThat(text(nextReceived.get(3))).as("the only pending slot was freed").isEqualTo("next");
		this.backend.send(reply(abandoned, "nobody listens"));
		await().atMost(WAIT).until(() -> dropped() == 1);
		this.backend.send(reply(nextReceived, "for next"));
		assertThat(texts(next.get(10, TimeUnit.SECONDS))).containsExactly("for next");
		assertThat(signal.get()).isNull();
	}

	@Test
	void stopFailsPendingRequestsAsCancelled() throws Exception {
		connected(options());
		CompletableFuture<List<byte[]>> pending = request("pending");
		this.backend.take();
		assertThat(this.channel.stop(WAIT)).isTrue();
		assertThat(failure(pending).getReason()).isEqualTo(ZmqSocketException.Reason.CANCELLED);
		assertThat(failure(request("after stop"))).isNotNull();
	}

	@Test
	void connectedPeersFollowTheBackend() {
		start(options());
		assertThat(this.channel.connectedPeers()).isZero();
		this.backend = RouterBackend.bind(this.address);
		await().atMost(WAIT).until(() -> this.channel.connectedPeers() == 1);
		this.backend.close();
		this.backend = null;
		await().atMost(HANDSHAKE_RECOVERY).until(() -> this.channel.connectedPeers() == 0);
	}

	@Test
	void withImmediateLosingTheBackendFailsPendingRequests() throws Exception {
		connected(options());
		CompletableFuture<List<byte[]>> pending = request("pending");
		this.backend.take();
		this.backend.close();
		this.backend = null;
		assertThat(failure(pending).getReason()).isEqualTo(ZmqSocketException.Reason.BACKEND_UNAVAILABLE);
	}

	/** The implementation under test, not yet started. */
	protected abstract RequestChannel create(EndpointDefinition definition, ZMQ.Context context);

	@Test
	void postSendsAMessageWhoseReplyNobodyAwaits() throws Exception {
		connected(options());
		this.channel.post(frames("fire", "and forget")).block(WAIT);
		List<byte[]> received = this.backend.take();
		assertEnvelope(received, "fire", "and forget");
		this.backend.send(reply(received, "ignored"));
		await().atMost(WAIT).until(() -> dropped() == 1);
	}

	@Test
	void withImmediateAndNoBackendPostFailsAsBackendUnavailable() {
		start(options());
		StepVerifier.create(this.channel.post(frames("nowhere")))
			.expectErrorSatisfies((ex) -> assertReason(ex, ZmqSocketException.Reason.BACKEND_UNAVAILABLE))
			.verify(WAIT);
	}

	@Test
	void requestsGoToTheConnectedBackendsInTurn() throws Exception {
		String second = FreePorts.tcp();
		try (ZmqBackend one = ZmqBackend.rep(this.address, (request) -> withTag(request, "one"));
				ZmqBackend two = ZmqBackend.rep(second, (request) -> withTag(request, "two"))) {
			start(options(), this.address, second);
			await().atMost(HANDSHAKE_RECOVERY).until(() -> this.channel.connectedPeers() == 2);
			awaitServedBy(Set.of("one", "two"));
			List<String> servedBy = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				servedBy.add(texts(request("turn-" + i).get(10, TimeUnit.SECONDS)).get(1));
			}
			assertThat(servedBy).containsOnly("one", "two");
			assertThat(Collections.frequency(servedBy, "one")).isEqualTo(5);
		}
	}

	@Test
	void framesOfAnySizeUpToTheLimitRoundTripByteForByte() throws Exception {
		try (ZmqBackend echo = ZmqBackend.echo(this.address)) {
			start(options(Duration.ofSeconds(30), 100, 1024 * 1024, true));
			awaitEchoRoundTrip();
			for (int size : new int[] { 0, 1, 255, 256, 65_536, 1024 * 1024 - 16 }) {
				byte[] frame = new byte[size];
				new Random(size).nextBytes(frame);
				List<byte[]> reply = this.channel.request(List.of(frame, bytes("tail")), null).block(WAIT);
				assertThat(reply).hasSize(2);
				assertThat(reply.get(0)).as("frame of %d bytes", size).isEqualTo(frame);
				assertThat(text(reply.get(1))).isEqualTo("tail");
			}
		}
	}

	@Test
	void aBackendThatComesBackIsServedAgain() throws Exception {
		start(options(Duration.ofSeconds(5), 100, 1024, true));
		try (ZmqBackend echo = ZmqBackend.echo(this.address)) {
			awaitEchoRoundTrip();
			assertThat(texts(request("before").get(10, TimeUnit.SECONDS))).containsExactly("before");
		}
		await().atMost(HANDSHAKE_RECOVERY).until(() -> this.channel.connectedPeers() == 0);
		assertThat(failure(request("while away")).getReason())
			.isEqualTo(ZmqSocketException.Reason.BACKEND_UNAVAILABLE);
		try (ZmqBackend echo = ZmqBackend.echo(this.address)) {
			awaitEchoRoundTrip();
			assertThat(texts(request("after").get(10, TimeUnit.SECONDS))).containsExactly("after");
		}
	}

	/**
	 * Returns once a request to an echo backend made the round trip: a connection counted
	 * by JeroMQ may still be stuck before its handshake (see {@link #awaitRoundTrip}).
	 */
	private void awaitEchoRoundTrip() {
		await().atMost(HANDSHAKE_RECOVERY)
			.ignoreExceptions()
			.until(() -> texts(request("probe").get(5, TimeUnit.SECONDS)).equals(List.of("probe")));
	}

	private static List<byte[]> withTag(List<byte[]> request, String tag) {
		return List.of(request.get(0), bytes(tag));
	}

	/** Both backends answer a first request (JeroMQ's connections may still be finishing). */
	private void awaitServedBy(Set<String> tags) {
		Set<String> seen = new HashSet<>();
		await().atMost(HANDSHAKE_RECOVERY).ignoreExceptions().until(() -> {
			seen.add(texts(request("probe").get(5, TimeUnit.SECONDS)).get(1));
			return seen.containsAll(tags);
		});
	}

	protected void start(SocketOptions options) {
		start(options, this.address);
	}

	protected void start(SocketOptions options, String... addresses) {
		RequestChannel started = create(
				new EndpointDefinition("test", EndpointType.REQ, List.of(addresses), false, options), this.context);
		started.start(WAIT);
		this.channel = started;
	}

	private void connected(SocketOptions options) {
		start(options);
		this.backend = RouterBackend.bind(this.address);
		awaitRoundTrip();
	}

	/**
	 * Returns once a probe request has made the round trip. A TCP connection, which is
	 * what {@link RequestChannel#connectedPeers()} reports, does not prove the ZeroMQ
	 * handshake is done: a JeroMQ 0.6.0 race on the connecting side can hold a fresh
	 * handshake until its 30 second timer reconnects. Probes that do not come back are
	 * never answered, so {@link #dropped()} counts from here.
	 */
	private void awaitRoundTrip() {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		for (int attempt = 1;; attempt++) {
			String probe = "probe-" + attempt;
			CompletableFuture<List<byte[]>> future = this.channel.request(frames(probe), Duration.ofSeconds(5))
				.toFuture();
			long probeDeadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
			while (!future.isDone() && System.nanoTime() < probeDeadline) {
				List<byte[]> received = this.backend.poll(Duration.ofMillis(50));
				if (received != null && received.size() == 4 && text(received.get(3)).equals(probe)) {
					this.backend.send(reply(received, probe));
				}
			}
			try {
				if (texts(future.get(10, TimeUnit.SECONDS)).equals(List.of(probe))) {
					this.droppedBaseline = this.channel.droppedReplies();
					return;
				}
			}
			catch (ExecutionException | TimeoutException | InterruptedException ex) {
				// not through yet (no connection yet: backend_unavailable at once)
				this.backend.poll(Duration.ofMillis(20));
			}
			assertThat(System.nanoTime()).as("backend reachable in time").isLessThan(deadline);
		}
	}

	/** Replies dropped since the channel was first reachable. */
	private long dropped() {
		return this.channel.droppedReplies() - this.droppedBaseline;
	}

	protected CompletableFuture<List<byte[]>> request(String... frames) {
		return this.channel.request(frames(frames), null).toFuture();
	}

	protected static SocketOptions options() {
		return options(Duration.ofSeconds(30), 100, 1024, true);
	}

	protected static SocketOptions options(Duration timeout, int maxPendingRequests, long maxMessageSize,
			boolean immediate) {
		return new SocketOptions(timeout, maxPendingRequests, 1000, 1000, maxMessageSize, Duration.ZERO,
				Duration.ofMillis(50), Duration.ofMillis(200), immediate, 1000, Duration.ofSeconds(2));
	}

	private static void assertEnvelope(List<byte[]> received, String... payload) {
		assertThat(received).hasSize(3 + payload.length);
		assertThat(received.get(0)).as("identity added by ROUTER").isNotEmpty();
		assertThat(received.get(1)).as("correlation id").hasSize(8);
		assertThat(received.get(2)).as("delimiter").isEmpty();
		assertThat(texts(received.subList(3, received.size()))).containsExactly(payload);
	}

	/** A reply to a received request: its identity, id and delimiter, then the payload. */
	private static List<byte[]> reply(List<byte[]> request, String... payload) {
		List<byte[]> reply = new ArrayList<>(request.subList(0, 3));
		reply.addAll(frames(payload));
		return reply;
	}

	protected static ZmqSocketException failure(CompletableFuture<?> future) {
		ExecutionException ex = assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> future.get(10, TimeUnit.SECONDS))
			.actual();
		assertThat(ex.getCause()).isInstanceOf(ZmqSocketException.class);
		return (ZmqSocketException) ex.getCause();
	}

	private static void assertReason(Throwable ex, ZmqSocketException.Reason reason) {
		assertThat(ex).isInstanceOfSatisfying(ZmqSocketException.class,
				(zmq) -> assertThat(zmq.getReason()).isEqualTo(reason));
	}

	protected static List<byte[]> frames(String... texts) {
		List<byte[]> frames = new ArrayList<>();
		for (String text : texts) {
			frames.add(bytes(text));
		}
		return frames;
	}

	protected static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	protected static String text(byte[] frame) {
		return new String(frame, StandardCharsets.UTF_8);
	}

	protected static List<String> texts(List<byte[]> frames) {
		return frames.stream().map(RequestChannelTests::text).toList();
	}

}
