package io.zmqws.socket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.zmqws.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link SocketLoop}: commands run on the loop's own thread in order, none is
 * lost to a burst or to the loop going idle, the socket's connections are counted, and
 * {@link SocketLoop#execute(Runnable)} refuses work once the loop is stopping or its
 * queue is full.
 */
class SocketLoopTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ZMQ.Context context = ZMQ.context(1);

	private final List<IdleLoop> loops = new ArrayList<>();

	@AfterEach
	void stop() {
		for (IdleLoop loop : this.loops) {
			assertThat(loop.stop(WAIT)).isTrue();
		}
		this.context.term();
	}

	@Test
	void commandsRunOnTheLoopThread() throws Exception {
		IdleLoop loop = started(FreePorts.tcp(), 100);
		assertThat(loop.inLoop()).isFalse();
		AtomicReference<Boolean> inLoop = new AtomicReference<>();
		AtomicReference<String> thread = new AtomicReference<>();
		CountDownLatch ran = new CountDownLatch(1);
		assertThat(loop.execute(() -> {
			inLoop.set(loop.inLoop());
			thread.set(Thread.currentThread().getName());
			ran.countDown();
		})).isTrue();
		assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(inLoop.get()).isTrue();
		assertThat(thread.get()).isEqualTo("zmqws-push-loop");
	}

	@Test
	void commandsRunInTheOrderTheyWereQueued() throws Exception {
		IdleLoop loop = started(FreePorts.tcp(), 1000);
		List<Integer> order = new CopyOnWriteArrayList<>();
		CountDownLatch ran = new CountDownLatch(500);
		for (int i = 0; i < 500; i++) {
			int index = i;
			assertThat(loop.execute(() -> {
				order.add(index);
				ran.countDown();
			})).isTrue();
		}
		assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(order).hasSize(500).isSorted();
	}

	@Test
	void burstsOfCommandsFromManyThreadsAllRun() throws Exception {
		IdleLoop loop = started(FreePorts.tcp(), 100_000);
		int threads = 4;
		int perThread = 10_000;
		CountDownLatch ran = new CountDownLatch(threads * perThread);
		List<Thread> producers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread producer = new Thread(() -> {
				for (int i = 0; i < perThread; i++) {
					assertThat(loop.execute(ran::countDown)).isTrue();
				}
			});
			producers.add(producer);
			producer.start();
		}
		for (Thread producer : producers) {
			producer.join(WAIT.toMillis());
		}
		assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void commandQueuedAsTheLoopGoesIdleStillRuns() throws Exception {
		IdleLoop loop = started(FreePorts.tcp(), 100);
		// Each command queues the next from another thread just as the loop finishes a
		// round, so many of them land while the loop is between its last check of the
		// queue and its wait: every one must still run.
		for (int i = 0; i < 5_000; i++) {
			CountDownLatch ran = new CountDownLatch(1);
			CountDownLatch queued = new CountDownLatch(1);
			Thread racer = new Thread(() -> {
				awaitQuietly(queued);
				for (int spin = 0; spin < (ThreadLocalRandom.current().nextInt(64)); spin++) {
					Thread.onSpinWait();
				}
				loop.execute(ran::countDown);
			});
			racer.start();
			assertThat(loop.execute(queued::countDown)).isTrue();
			assertThat(ran.await(10, TimeUnit.SECONDS)).as("command %d ran", i).isTrue();
			racer.join(WAIT.toMillis());
		}
	}

	@Test
	void commandsAndMessagesInterleavedAllArrive() throws Exception {
		String address = FreePorts.tcp();
		PullLoop loop = new PullLoop(address, 100_000, this.context);
		this.loops.add(loop);
		loop.start(WAIT);
		int messages = 20_000;
		CountDownLatch ran = new CountDownLatch(messages);
		ZMQ.Socket push = this.context.socket(SocketType.PUSH);
		try {
			push.setSndHWM(0);
			push.connect(address);
			for (int i = 0; i < messages; i++) {
				assertThat(push.send("m" + i)).isTrue();
				assertThat(loop.execute(ran::countDown)).isTrue();
			}
			assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (loop.received.get() < messages && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			assertThat(loop.received.get()).isEqualTo(messages);
		}
		finally {
			push.close();
		}
	}

	@Test
	void peersAreCountedAsTheyConnectAndLeave() throws Exception {
		String address = FreePorts.tcp();
		IdleLoop loop = started(address, 100);
		assertThat(loop.connectedPeers()).isZero();
		ZMQ.Socket pull = this.context.socket(SocketType.PULL);
		try {
			pull.connect(address);
			awaitPeers(loop, 1);
		}
		finally {
			pull.close();
		}
		awaitPeers(loop, 0);
	}

	private static void awaitPeers(SocketLoop loop, int peers) throws InterruptedException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (loop.connectedPeers() != peers && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(loop.connectedPeers()).isEqualTo(peers);
	}

	@Test
	void executeReturnsFalseWhenTheCommandQueueIsFull() throws Exception {
		IdleLoop loop = started(FreePorts.tcp(), 2);
		CountDownLatch entered = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch ran = new CountDownLatch(2);
		assertThat(loop.execute(() -> {
			entered.countDown();
			awaitQuietly(release);
		})).isTrue();
		assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(loop.execute(ran::countDown)).isTrue();
		assertThat(loop.execute(ran::countDown)).isTrue();
		assertThat(loop.execute(ran::countDown)).as("third command while two wait").isFalse();
		release.countDown();
		assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
		CountDownLatch again = new CountDownLatch(1);
		assertThat(loop.execute(again::countDown)).as("room again once drained").isTrue();
		assertThat(again.await(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void executeReturnsFalseOnceStoppingAndOnStopRunsOnTheLoopThread() {
		IdleLoop loop = started(FreePorts.tcp(), 100);
		assertThat(loop.stop(WAIT)).isTrue();
		assertThat(loop.stoppedInLoop.get()).isTrue();
		assertThat(loop.execute(() -> {
		})).isFalse();
	}

	@Test
	void startFailsWhenTheSocketCannotBind() {
		String address = FreePorts.tcp();
		started(address, 100);
		IdleLoop second = new IdleLoop(address, 100, this.context);
		this.loops.add(second);
		assertThatIllegalStateException().isThrownBy(() -> second.start(WAIT))
			.withMessageContaining("Cannot start ZeroMQ endpoint 'loop'");
	}

	private IdleLoop started(String address, int commandQueueCapacity) {
		IdleLoop loop = new IdleLoop(address, commandQueueCapacity, this.context);
		this.loops.add(loop);
		loop.start(WAIT);
		return loop;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A loop with a bound PULL socket that counts what it receives. */
	private static final class PullLoop extends IdleLoop {

		private final AtomicInteger received = new AtomicInteger();

		PullLoop(String address, int commandQueueCapacity, ZMQ.Context context) {
			super(address, commandQueueCapacity, context);
		}

		@Override
		protected SocketType socketType() {
			return SocketType.PULL;
		}

		@Override
		protected boolean readable() {
			return true;
		}

		@Override
		protected void onMessage(List<byte[]> frames) {
			this.received.incrementAndGet();
		}

	}

	/** A loop with a bound PUSH socket that it never reads. */
	private static class IdleLoop extends SocketLoop {

		private final AtomicReference<Boolean> stoppedInLoop = new AtomicReference<>();

		IdleLoop(String address, int commandQueueCapacity, ZMQ.Context context) {
			super(new EndpointDefinition("loop", EndpointType.PUSH, List.of(address), true, options(commandQueueCapacity)),
					context);
		}

		private static SocketOptions options(int commandQueueCapacity) {
			SocketOptions defaults = SocketOptions.defaults();
			return new SocketOptions(defaults.requestTimeout(), defaults.maxPendingRequests(),
					defaults.sendHighWaterMark(), defaults.receiveHighWaterMark(), defaults.maxMessageSize(),
					defaults.linger(), defaults.reconnectInterval(), defaults.reconnectIntervalMax(), defaults.immediate(),
					commandQueueCapacity, defaults.handshakeTimeout());
		}

		@Override
		protected SocketType socketType() {
			return SocketType.PUSH;
		}

		@Override
		protected boolean readable() {
			return false;
		}

		@Override
		protected void onStop() {
			this.stoppedInLoop.set(inLoop());
		}

	}

}
