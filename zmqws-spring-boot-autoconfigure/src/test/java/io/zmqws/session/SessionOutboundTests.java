package io.zmqws.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.zmqws.protocol.CloseCodes;
import io.zmqws.protocol.ErrorCode;
import io.zmqws.protocol.ServerMessage;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Fuseable;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SessionOutbound}: messages leave only on demand, a full queue drops
 * the oldest published message or closes the connection, and completion flushes or
 * discards what is queued.
 */
class SessionOutboundTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final List<CloseReason> closes = new CopyOnWriteArrayList<>();

	@Test
	void nothingIsEmittedWithoutDemand() {
		SessionOutbound outbound = outbound(10, OverflowPolicy.DROP_OLDEST);
		ServerMessage first = reply(1);
		ServerMessage second = message("a", 0);
		ServerMessage third = new ServerMessage.Pong(3L);
		StepVerifier.create(outbound.flux(), 0)
			.expectSubscription()
			.then(() -> {
				assertThat(outbound.offer(first)).isTrue();
				assertThat(outbound.offer(second)).isTrue();
				assertThat(outbound.offer(third)).isTrue();
			})
			.expectNoEvent(Duration.ofMillis(50))
			.thenRequest(1)
			.expectNext(first)
			.expectNoEvent(Duration.ofMillis(50))
			.thenRequest(5)
			.expectNext(second, third)
			.then(() -> assertThat(outbound.offer(reply(4))).isTrue())
			.assertNext((next) -> assertThat(next).isEqualTo(reply(4)))
			.thenCancel()
			.verify(WAIT);
		assertThat(this.closes).isEmpty();
	}

	@Test
	void messagesOfferedBeforeSubscriptionWaitForIt() {
		SessionOutbound outbound = outbound(10, OverflowPolicy.DROP_OLDEST);
		outbound.offer(reply(1));
		outbound.offer(reply(2));
		StepVerifier.create(outbound.flux(), 0)
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(50))
			.thenRequest(2)
			.expectNext(reply(1), reply(2))
			.thenCancel()
			.verify(WAIT);
	}

	@Test
	void dropOldestDropsTheOldestPublishedMessageAndReportsTheCountOnTheNextOne() {
		SessionOutbound outbound = outbound(4, OverflowPolicy.DROP_OLDEST);
		ServerMessage.Error error = error(1);
		ServerMessage.Reply reply = reply(2);
		StepVerifier.create(outbound.flux(), 0).expectSubscription().then(() -> {
			assertThat(outbound.offer(error)).isTrue();
			assertThat(outbound.offer(message("m1", 0))).isTrue();
			assertThat(outbound.offer(reply)).isTrue();
			assertThat(outbound.offer(message("m2", 0))).isTrue();
			assertThat(outbound.offer(message("m3", 0))).as("drops m1").isTrue();
			assertThat(outbound.offer(message("m4", 0))).as("drops m2").isTrue();
		})
			.thenRequest(10)
			.expectNext(error, reply)
			.assertNext((next) -> assertMessage(next, "m3", 2))
			.assertNext((next) -> assertMessage(next, "m4", 0))
			.then(() -> {
				assertThat(outbound.offer(message("m5", 0))).isTrue();
			})
			.assertNext((next) -> assertMessage(next, "m5", 0))
			.thenCancel()
			.verify(WAIT);
		assertThat(outbound.droppedTotal()).isEqualTo(2);
		assertThat(this.closes).isEmpty();
	}

	@Test
	void dropCountStartsAgainAfterItIsReported() {
		SessionOutbound outbound = outbound(1, OverflowPolicy.DROP_OLDEST);
		StepVerifier.create(outbound.flux(), 0)
			.expectSubscription()
			.then(() -> {
				outbound.offer(message("m1", 0));
				outbound.offer(message("m2", 0));
				outbound.offer(message("m3", 0));
			})
			.thenRequest(1)
			.assertNext((next) -> assertMessage(next, "m3", 2))
			.then(() -> {
				outbound.offer(message("m4", 0));
				outbound.offer(message("m5", 0));
			})
			.thenRequest(1)
			.assertNext((next) -> assertMessage(next, "m5", 1))
			.thenCancel()
			.verify(WAIT);
		assertThat(outbound.droppedTotal()).isEqualTo(3);
	}

	@Test
	void dropOldestClosesWith1008WhenOnlyRepliesAndErrorsFillTheQueue() {
		SessionOutbound outbound = outbound(2, OverflowPolicy.DROP_OLDEST);
		StepVerifier.create(outbound.flux(), 0).expectSubscription().then(() -> {
			assertThat(outbound.offer(reply(1))).isTrue();
			assertThat(outbound.offer(error(2))).isTrue();
			assertThat(this.closes).isEmpty();
			assertThat(outbound.offer(message("m", 0))).isFalse();
		})
			.thenRequest(10)
			.expectNext(reply(1), error(2))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(WAIT);
		assertThat(this.closes).hasSize(1);
		assertThat(this.closes.get(0).code()).isEqualTo(CloseCodes.POLICY_VIOLATION).isEqualTo(1008);
		assertThat(this.closes.get(0).reason()).isNotBlank();
		assertThat(outbound.droppedTotal()).isZero();
	}

	@Test
	void closePolicyClosesWith1008AtOnceWhenFull() {
		SessionOutbound outbound = outbound(2, OverflowPolicy.CLOSE);
		StepVerifier.create(outbound.flux(), 0).expectSubscription().then(() -> {
			assertThat(outbound.offer(message("m1", 0))).isTrue();
			assertThat(outbound.offer(message("m2", 0))).isTrue();
			assertThat(this.closes).isEmpty();
			assertThat(outbound.offer(message("m3", 0))).isFalse();
			assertThat(this.closes).hasSize(1);
		})
			.thenRequest(10)
			.assertNext((next) -> assertMessage(next, "m1", 0))
			.assertNext((next) -> assertMessage(next, "m2", 0))
			.expectNoEvent(Duration.ofMillis(50))
			.thenCancel()
			.verify(WAIT);
		assertThat(this.closes.get(0).code()).isEqualTo(CloseCodes.POLICY_VIOLATION);
		assertThat(outbound.droppedTotal()).isZero();
	}

	@Test
	void completeSendsWhatIsQueuedThenCompletes() {
		SessionOutbound outbound = outbound(10, OverflowPolicy.DROP_OLDEST);
		StepVerifier.create(outbound.flux(), 0).expectSubscription().then(() -> {
			outbound.offer(reply(1));
			outbound.offer(message("m", 0));
			outbound.complete();
			assertThat(outbound.offer(reply(3))).as("offer after complete").isFalse();
		})
			.expectNoEvent(Duration.ofMillis(50))
			.thenRequest(1)
			.expectNext(reply(1))
			.thenRequest(1)
			.assertNext((next) -> assertMessage(next, "m", 0))
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void completeWithNothingQueuedCompletesWithoutDemand() {
		SessionOutbound outbound = outbound(10, OverflowPolicy.DROP_OLDEST);
		StepVerifier.create(outbound.flux(), 0).expectSubscription().then(outbound::complete).expectComplete().verify(WAIT);
	}

	@Test
	void abortDiscardsWhatIsQueuedAndCompletes() {
		SessionOutbound outbound = outbound(10, OverflowPolicy.DROP_OLDEST);
		StepVerifier.create(outbound.flux(), 0).expectSubscription().then(() -> {
			outbound.offer(reply(1));
			outbound.offer(error(2));
			outbound.abort();
			assertThat(outbound.offer(reply(3))).as("offer after abort").isFalse();
		}).expectComplete().verify(WAIT);
		assertThat(this.closes).isEmpty();
	}

	@Test
	void cancellingTheSubscriptionDiscardsWhatIsQueuedAndRefusesMore() {
		SessionOutbound outbound = outbound(10, OverflowPolicy.DROP_OLDEST);
		StepVerifier.create(outbound.flux(), 0)
			.expectSubscription()
			.then(() -> outbound.offer(reply(1)))
			.thenCancel()
			.verify(WAIT);
		assertThat(outbound.offer(reply(2))).isFalse();
	}

	@Test
	void concurrentOffersAreDeliveredExactlyOnceAndInOrderPerThread() throws Exception {
		int threads = 4;
		int perThread = 10_000;
		SessionOutbound outbound = outbound(threads * perThread, OverflowPolicy.CLOSE);
		List<ServerMessage> received = new ArrayList<>();
		StepVerifier verifier = StepVerifier.create(outbound.flux())
			.thenConsumeWhile(received::add)
			.expectComplete()
			.verifyLater();
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> producers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				long sid = t;
				producers.add(executor.submit(() -> {
					awaitLatch(start);
					for (int i = 0; i < perThread; i++) {
						assertThat(outbound.offer(new ServerMessage.Reply(sid, i, List.of()))).isTrue();
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> producer : producers) {
				producer.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdown();
			assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		}
		outbound.complete();
		verifier.verify(Duration.ofSeconds(60));

		assertThat(received).hasSize(threads * perThread);
		Map<Long, List<Long>> idsBySid = received.stream()
			.map(ServerMessage.Reply.class::cast)
			.collect(Collectors.groupingBy(ServerMessage.Reply::sid,
					Collectors.mapping(ServerMessage.Reply::id, Collectors.toList())));
		assertThat(idsBySid).hasSize(threads);
		for (List<Long> ids : idsBySid.values()) {
			assertThat(ids).hasSize(perThread).isSorted();
			assertThat(new HashSet<>(ids)).hasSize(perThread);
		}
		assertThat(this.closes).isEmpty();
	}

	@Test
	void aFusedSubscriberPollsTheQueueAndGetsEachMessageEncoded() {
		SessionOutbound outbound = outbound(10, OverflowPolicy.DROP_OLDEST);
		outbound.offer(reply(1));
		StepVerifier.create(outbound.encoded(SessionOutboundTests::describe))
			.expectFusion(Fuseable.ASYNC)
			.expectNext("reply 1")
			.then(() -> {
				outbound.offer(reply(2));
				outbound.offer(message("m", 0));
			})
			.expectNext("reply 2", "message m dropped 0")
			.then(() -> {
				outbound.offer(reply(3));
				outbound.complete();
			})
			.expectNext("reply 3")
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void aFusedSubscriberSeesTheDropCountOnTheNextPublishedMessage() {
		SessionOutbound outbound = outbound(1, OverflowPolicy.DROP_OLDEST);
		outbound.offer(message("m1", 0));
		outbound.offer(message("m2", 0));
		outbound.offer(message("m3", 0));
		StepVerifier.create(outbound.encoded(SessionOutboundTests::describe))
			.expectFusion(Fuseable.ASYNC)
			.expectNext("message m3 dropped 2")
			.then(outbound::complete)
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void aFusedSubscriberPollsNoMoreThanItAskedFor() {
		SessionOutbound outbound = outbound(10, OverflowPolicy.DROP_OLDEST);
		FusedSubscriber subscriber = new FusedSubscriber();
		outbound.encoded(SessionOutboundTests::describe).subscribe(subscriber);
		Fuseable.QueueSubscription<String> queue = subscriber.queue;
		outbound.offer(reply(1));
		outbound.offer(reply(2));
		assertThat(subscriber.signals).as("nothing asked for yet").isZero();
		assertThat(queue.poll()).isNull();
		queue.request(1);
		assertThat(subscriber.signals).isEqualTo(1);
		assertThat(queue.poll()).isEqualTo("reply 1");
		assertThat(queue.poll()).as("asked for one only").isNull();
		assertThat(queue.size()).isEqualTo(1);
		queue.request(5);
		assertThat(subscriber.signals).isEqualTo(2);
		assertThat(queue.poll()).isEqualTo("reply 2");
		assertThat(queue.poll()).isNull();
	}

	@Test
	void whenAFusedSubscriberClearsTheQueueWhatIsLeftIsDiscardedAndMoreRefused() {
		SessionOutbound outbound = outbound(10, OverflowPolicy.DROP_OLDEST);
		FusedSubscriber subscriber = new FusedSubscriber();
		outbound.encoded(SessionOutboundTests::describe).subscribe(subscriber);
		Fuseable.QueueSubscription<String> queue = subscriber.queue;
		queue.request(10);
		outbound.offer(reply(1));
		outbound.offer(reply(2));
		assertThat(queue.size()).isEqualTo(2);
		assertThat(queue.poll()).isEqualTo("reply 1");
		queue.clear();
		assertThat(queue.isEmpty()).isTrue();
		assertThat(queue.poll()).isNull();
		assertThat(outbound.offer(reply(3))).isFalse();
	}

	/** Fuses as Reactor Netty's send does, and counts the signals that messages wait. */
	private static final class FusedSubscriber implements CoreSubscriber<String> {

		Fuseable.QueueSubscription<String> queue;

		int signals;

		@Override
		@SuppressWarnings("unchecked")
		public void onSubscribe(Subscription subscription) {
			this.queue = (Fuseable.QueueSubscription<String>) subscription;
			assertThat(this.queue.requestFusion(Fuseable.ANY | Fuseable.THREAD_BARRIER)).isEqualTo(Fuseable.ASYNC);
		}

		@Override
		public void onNext(String signal) {
			assertThat(signal).isNull();
			this.signals++;
		}

		@Override
		public void onError(Throwable ex) {
		}

		@Override
		public void onComplete() {
		}

	}

	@Test
	void aSecondSubscriberIsRefused() {
		SessionOutbound outbound = outbound(10, OverflowPolicy.DROP_OLDEST);
		StepVerifier first = StepVerifier.create(outbound.flux(), 0).expectSubscription().thenCancel().verifyLater();
		StepVerifier.create(outbound.flux())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("only one subscriber"))
			.verify(WAIT);
		first.verify(WAIT);
	}

	private static String describe(ServerMessage message) {
		if (message instanceof ServerMessage.Reply reply) {
			return "reply " + reply.id();
		}
		ServerMessage.Message published = (ServerMessage.Message) message;
		return "message " + new String(published.frames().get(0), StandardCharsets.UTF_8) + " dropped "
				+ published.dropped();
	}

	@Test
	void roomCountsQueuedMessagesAndTheAnswersStillOwed() {
		AtomicInteger owed = new AtomicInteger(2);
		SessionOutbound outbound = new SessionOutbound(8, OverflowPolicy.DROP_OLDEST, this.closes::add, owed::get);
		outbound.offer(reply(1));
		outbound.offer(reply(2));
		AtomicInteger ran = new AtomicInteger();
		outbound.whenRoom(ran::incrementAndGet);
		assertThat(ran).as("2 queued + 2 owed: half of 8").hasValue(1);
		outbound.offer(reply(3));
		outbound.whenRoom(ran::incrementAndGet);
		assertThat(ran).as("3 queued + 2 owed").hasValue(1);
		owed.set(1);
		outbound.wakeRoomWaiters();
		assertThat(ran).as("an owed answer ended without one").hasValue(2);
		outbound.offer(reply(4));
		outbound.whenRoom(ran::incrementAndGet);
		StepVerifier.create(outbound.flux(), 0)
			.thenRequest(1)
			.expectNext(reply(1))
			.then(() -> assertThat(ran).as("taking a message from the queue makes room").hasValue(3))
			.thenCancel()
			.verify(WAIT);
	}

	@Test
	void thoseWaitingForRoomAreReleasedWhenTheQueueIsDiscarded() {
		SessionOutbound outbound = outbound(2, OverflowPolicy.DROP_OLDEST);
		outbound.offer(reply(1));
		outbound.offer(reply(2));
		AtomicInteger ran = new AtomicInteger();
		outbound.whenRoom(ran::incrementAndGet);
		assertThat(ran).hasValue(0);
		outbound.abort();
		assertThat(ran).hasValue(1);
		outbound.whenRoom(ran::incrementAndGet);
		assertThat(ran).as("a closed queue never makes anyone wait").hasValue(2);
	}

	private SessionOutbound outbound(int capacity, OverflowPolicy policy) {
		return new SessionOutbound(capacity, policy, this.closes::add, () -> 0);
	}

	private static ServerMessage.Reply reply(long id) {
		return new ServerMessage.Reply(1, id, List.of());
	}

	private static ServerMessage.Error error(long id) {
		return new ServerMessage.Error(ErrorCode.TIMEOUT, "timeout", 1L, id, "request");
	}

	private static ServerMessage.Message message(String payload, long dropped) {
		return new ServerMessage.Message(2, List.of(payload.getBytes(StandardCharsets.UTF_8)), dropped);
	}

	private static void assertMessage(ServerMessage next, String payload, long dropped) {
		assertThat(next).isInstanceOfSatisfying(ServerMessage.Message.class, (message) -> {
			assertThat(message.sid()).isEqualTo(2);
			assertThat(message.frames()).hasSize(1);
			assertThat(new String(message.frames().get(0), StandardCharsets.UTF_8)).isEqualTo(payload);
			assertThat(message.dropped()).as("dropped").isEqualTo(dropped);
		});
	}

	private static void awaitLatch(CountDownLatch latch) throws InterruptedException {
		if (!latch.await(10, TimeUnit.SECONDS)) {
			throw new AssertionError("Latch not released");
		}
	}

}
