package io.zmqws.socket;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One event loop's share of a {@link ZmtpRequestChannel}: its own connection to every
 * backend ({@link ZmtpConnection}), its pending requests, its bounded queue of commands
 * and its deadline timer, all touched on that loop only. Requests made on the loop (by
 * the connections it serves) are written to a backend without changing threads, and
 * their replies arrive on the same loop.
 */
final class ZmtpLane {

	private static final Log logger = LogFactory.getLog(ZmtpRequestChannel.class);

	private static final int DRAIN_BATCH = 1024;

	private static final Object WAITING = new Object();

	private final EndpointDefinition endpoint;

	private final EventLoop loop;

	private final PendingRequests pending;

	private final ArrayBlockingQueue<Runnable> commands;

	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	private final Runnable drain = this::drain;

	private final List<ZmtpConnection> connections = new ArrayList<>();

	private final List<ZmtpConnection> unflushed = new ArrayList<>();

	/** Without {@code immediate}: messages waiting for a first connection. */
	private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

	private int next;

	private volatile int connectedPeers;

	private volatile boolean stopped;

	private ScheduledFuture<?> timer;

	private long timerDeadline = Long.MAX_VALUE;

	ZmtpLane(EndpointDefinition endpoint, List<ZmtpRequestChannel.Address> addresses, EventLoop loop,
			Class<? extends Channel> channelType) {
		this.endpoint = endpoint;
		this.loop = loop;
		this.commands = new ArrayBlockingQueue<>(endpoint.options().commandQueueCapacity());
		this.pending = new PendingRequests(endpoint, new PendingRequests.Owner() {

			@Override
			public boolean execute(Runnable command) {
				return ZmtpLane.this.execute(command);
			}

			@Override
			public Object send(List<byte[]> envelope, List<byte[]> frames) {
				return ZmtpLane.this.send(envelope, frames);
			}

			@Override
			public void earliestDeadlineChanged(long deadline) {
				scheduleTimer(deadline);
			}

		});
		ConnectionEvents events = new ConnectionEvents();
		for (ZmtpRequestChannel.Address address : addresses) {
			this.connections.add(new ZmtpConnection(endpoint, address, loop, channelType, events));
		}
	}

	/** Connections to backends that completed their handshake. */
	int connectedPeers() {
		return this.connectedPeers;
	}

	void start() {
		try {
			this.loop.execute(() -> this.connections.forEach(ZmtpConnection::connect));
		}
		catch (RejectedExecutionException ex) {
			throw new IllegalStateException("Cannot start ZeroMQ endpoint '" + this.endpoint.name()
					+ "': its event loop is shutting down", ex);
		}
	}

	boolean inEventLoop() {
		return this.loop.inEventLoop();
	}

	boolean stop(Duration timeout) {
		this.stopped = true;
		if (this.loop.inEventLoop()) {
			shutDown();
			return true;
		}
		CountDownLatch done = new CountDownLatch(1);
		try {
			this.loop.execute(() -> {
				shutDown();
				done.countDown();
			});
			return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			shutDown();
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	Mono<List<byte[]>> request(List<byte[]> frames, Duration timeout) {
		return this.pending.request(frames, timeout);
	}

	Flux<List<byte[]>> requestStream(List<byte[]> frames, Duration idleTimeout,
			Predicate<List<byte[]>> isLast) {
		return this.pending.requestStream(frames, idleTimeout, isLast);
	}

	Mono<Void> post(List<byte[]> frames) {
		return Handover.send(this.endpoint.name(), this::execute,
				() -> send(this.pending.postEnvelope(), frames) != null);
	}

	long droppedReplies() {
		return this.pending.droppedReplies();
	}

	private boolean execute(Runnable command) {
		if (this.stopped || !this.commands.offer(command)) {
			return false;
		}
		if (this.drainScheduled.compareAndSet(false, true)) {
			try {
				this.loop.execute(this.drain);
			}
			catch (RejectedExecutionException ex) {
				this.commands.remove(command);
				return false;
			}
		}
		return true;
	}

	private void drain() {
		int ran = 0;
		do {
			Runnable command;
			while ((command = this.commands.poll()) != null) {
				run(command);
				if (++ran == DRAIN_BATCH) {
					flush();
					// Leaves drainScheduled set: other tasks of the loop get a turn first.
					this.loop.execute(this.drain);
					return;
				}
			}
			flush();
			this.drainScheduled.set(false);
		}
		while (!this.commands.isEmpty() && this.drainScheduled.compareAndSet(false, true));
	}

	private void run(Runnable command) {
		try {
			command.run();
		}
		catch (RuntimeException ex) {
			logger.error("Command on endpoint '" + this.endpoint.name() + "' failed", ex);
		}
	}

	/**
	 * Writes a message to the next connected backend that has room, without flushing.
	 * @return the backend it went to, {@link #WAITING} when it waits for a first
	 * connection, or {@code null} when no backend can take it
	 */
	private Object send(List<byte[]> envelope, List<byte[]> frames) {
		ZmtpConnection connection = nextConnection();
		if (connection == null) {
			if (this.stopped || this.endpoint.options().immediate()
					|| this.waiting.size() >= this.endpoint.options().sendHighWaterMark()) {
				return null;
			}
			this.waiting.add(new Waiting(envelope, frames));
			return WAITING;
		}
		write(connection, envelope, frames);
		return connection;
	}

	private ZmtpConnection nextConnection() {
		int count = this.connections.size();
		for (int i = 0; i < count; i++) {
			ZmtpConnection candidate = this.connections.get((this.next + i) % count);
			if (candidate.isReady() && candidate.hasRoom(this.endpoint.options().sendHighWaterMark())) {
				this.next = (this.next + i + 1) % count;
				return candidate;
			}
		}
		return null;
	}

	private void write(ZmtpConnection connection, List<byte[]> envelope, List<byte[]> frames) {
		if (connection.write(envelope, frames)) {
			this.unflushed.add(connection);
		}
	}

	private void flush() {
		for (ZmtpConnection connection : this.unflushed) {
			connection.flush();
		}
		this.unflushed.clear();
	}

	private void scheduleTimer(long deadline) {
		if (deadline - this.timerDeadline >= 0 || this.stopped) {
			return;
		}
		if (this.timer != null) {
			this.timer.cancel(false);
		}
		this.timerDeadline = deadline;
		this.timer = this.loop.schedule(this::onTimer, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
	}

	private void onTimer() {
		this.timer = null;
		this.timerDeadline = Long.MAX_VALUE;
		this.pending.expire(System.nanoTime());
		long next = this.pending.nextDeadline();
		if (next != Long.MAX_VALUE) {
			scheduleTimer(next);
		}
	}

	private void shutDown() {
		Runnable command;
		while ((command = this.commands.poll()) != null) {
			run(command);
		}
		if (this.timer != null) {
			this.timer.cancel(false);
		}
		this.pending.failAll(ZmqSocketException.Reason.CANCELLED, "Gateway is stopping");
		this.waiting.clear();
		for (ZmtpConnection connection : this.connections) {
			if (connection.isReady()) {
				this.connectedPeers--;
			}
			connection.close();
		}
	}

	/** What the lane does when its connections change or bring replies. */
	private final class ConnectionEvents implements ZmtpConnection.Events {

		@Override
		public boolean stopped() {
			return ZmtpLane.this.stopped;
		}

		@Override
		public void ready(ZmtpConnection connection) {
			ZmtpLane.this.connectedPeers++;
			Waiting message;
			while ((message = ZmtpLane.this.waiting.poll()) != null) {
				write(connection, message.envelope(), message.frames());
			}
			flush();
		}

		@Override
		public void lost(ZmtpConnection connection, boolean wasReady) {
			ZmtpLane.this.unflushed.remove(connection);
			if (wasReady) {
				ZmtpLane.this.connectedPeers--;
				ZmtpLane.this.pending.failRoute(connection, ZmqSocketException.Reason.BACKEND_UNAVAILABLE,
						"Connection to the backend was lost");
			}
		}

		@Override
		public void reply(List<byte[]> frames) {
			try {
				ZmtpLane.this.pending.onReply(frames);
			}
			catch (RuntimeException ex) {
				logger.error("Handling a reply on endpoint '" + ZmtpLane.this.endpoint.name() + "' failed", ex);
			}
		}

	}

	/** A message sent before any connection was ready. */
	private record Waiting(List<byte[]> envelope, List<byte[]> frames) {
	}

}
