package io.zmqws.socket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.zmqws.testsupport.FreePorts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link SocketLoop}: commands run on the loop's own thread in order, and
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

	/** A loop with a bound PUSH socket that it never reads. */
	private static final class IdleLoop extends SocketLoop {

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
