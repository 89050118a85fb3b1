package io.zmqws.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.zmqws.protocol.CloseCodes;
import io.zmqws.protocol.ServerMessage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * A connection's bounded outbound queue.
 * <p>
 * Any thread may {@link #offer(ServerMessage)}; messages leave only as fast as the
 * transport asks for them. When the queue is full the {@link OverflowPolicy} applies.
 */
final class SessionOutbound {

	private final Object lock = new Object();

	/** Starts small: most connections are idle, and the queue grows as it needs. */
	private final ArrayDeque<ServerMessage> queue = new ArrayDeque<>(4);

	private final int capacity;

	private final OverflowPolicy policy;

	private final Consumer<CloseReason> onOverflowClose;

	private final AtomicInteger wip = new AtomicInteger();

	private final AtomicLong droppedTotal = new AtomicLong();

	private final Flux<ServerMessage> flux;

	private volatile FluxSink<ServerMessage> sink;

	private long droppedUnreported;

	private final List<Runnable> roomWaiters = new ArrayList<>();

	private boolean completed;

	SessionOutbound(int capacity, OverflowPolicy policy, Consumer<CloseReason> onOverflowClose) {
		this.capacity = capacity;
		this.policy = policy;
		this.onOverflowClose = onOverflowClose;
		this.flux = Flux.create(this::attach, FluxSink.OverflowStrategy.ERROR);
	}

	Flux<ServerMessage> flux() {
		return this.flux;
	}

	long droppedTotal() {
		return this.droppedTotal.get();
	}

	private void attach(FluxSink<ServerMessage> sink) {
		this.sink = sink;
		sink.onRequest((n) -> drain());
		sink.onDispose(this::discard);
		drain();
	}

	/**
	 * Queues a message for the client.
	 * @return {@code false} when the connection is closing and the message was discarded
	 */
	boolean offer(ServerMessage message) {
		boolean overflow = false;
		synchronized (this.lock) {
			if (this.completed) {
				return false;
			}
			if (this.queue.size() >= this.capacity) {
				if (this.policy == OverflowPolicy.DROP_OLDEST && dropOldestPublished()) {
					this.queue.add(message);
				}
				else {
					overflow = true;
				}
			}
			else {
				this.queue.add(message);
			}
		}
		if (overflow) {
			this.onOverflowClose.accept(new CloseReason(CloseCodes.POLICY_VIOLATION, "Client cannot keep up"));
			return false;
		}
		drain();
		return true;
	}

	private boolean dropOldestPublished() {
		Iterator<ServerMessage> iterator = this.queue.iterator();
		while (iterator.hasNext()) {
			if (iterator.next() instanceof ServerMessage.Message) {
				iterator.remove();
				this.droppedUnreported++;
				this.droppedTotal.incrementAndGet();
				return true;
			}
		}
		return false;
	}

	/** Runs {@code action} once the queue is at most half full (at once if it is). */
	void whenRoom(Runnable action) {
		synchronized (this.lock) {
			if (this.queue.size() > this.capacity / 2 && !this.completed) {
				this.roomWaiters.add(action);
				return;
			}
		}
		action.run();
	}

	/** Sends what is queued, then completes. */
	void complete() {
		synchronized (this.lock) {
			this.completed = true;
		}
		drain();
	}

	/** Discards what is queued and completes at once. */
	void abort() {
		discard();
		drain();
	}

	private void discard() {
		synchronized (this.lock) {
			this.completed = true;
			this.queue.clear();
			this.roomWaiters.clear();
		}
	}

	private void drain() {
		if (this.wip.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			FluxSink<ServerMessage> target = this.sink;
			if (target != null) {
				while (target.requestedFromDownstream() > 0) {
					ServerMessage next = poll();
					if (next == null) {
						break;
					}
					target.next(next);
					wakeRoomWaiters();
				}
				boolean done;
				synchronized (this.lock) {
					done = this.completed && this.queue.isEmpty();
				}
				if (done) {
					target.complete();
				}
			}
			missed = this.wip.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private void wakeRoomWaiters() {
		List<Runnable> ready;
		synchronized (this.lock) {
			if (this.roomWaiters.isEmpty() || this.queue.size() > this.capacity / 2) {
				return;
			}
			ready = new ArrayList<>(this.roomWaiters);
			this.roomWaiters.clear();
		}
		ready.forEach(Runnable::run);
	}

	private ServerMessage poll() {
		synchronized (this.lock) {
			ServerMessage next = this.queue.poll();
			if (next instanceof ServerMessage.Message published && this.droppedUnreported > 0) {
				next = new ServerMessage.Message(published.sid(), published.frames(), this.droppedUnreported);
				this.droppedUnreported = 0;
			}
			return next;
		}
	}

}
