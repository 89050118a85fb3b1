package io.zmqws.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;

import io.zmqws.protocol.CloseCodes;
import io.zmqws.protocol.ServerMessage;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import reactor.core.CoreSubscriber;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;

/**
 * A connection's bounded outbound queue.
 * <p>
 * Any thread may {@link #offer(ServerMessage)}; messages leave only as fast as the
 * transport asks for them. When the queue is full the {@link OverflowPolicy} applies.
 * <p>
 * One subscriber drains it. A subscriber that asks for asynchronous fusion (Reactor
 * Netty's send does) polls this queue itself, so no second queue is kept per connection,
 * and messages are encoded on the thread that writes them.
 * <p>
 * Those who add to the queue faster than it can be written wait for room
 * ({@link #whenRoom(Runnable)}): the queue has room while it, together with the answers
 * still owed to the client, is at most half full.
 */
final class SessionOutbound {

	private final Object lock = new Object();

	/** Starts small: most connections are idle, and the queue grows as it needs. */
	private final ArrayDeque<ServerMessage> queue = new ArrayDeque<>(4);

	private final int capacity;

	private final OverflowPolicy policy;

	private final Consumer<CloseReason> onOverflowClose;

	private final IntSupplier owed;

	private final AtomicInteger wip = new AtomicInteger();

	private final AtomicLong droppedTotal = new AtomicLong();

	private volatile OutboundSubscription<?> subscription;

	private boolean subscribed;

	private long droppedUnreported;

	private final List<Runnable> roomWaiters = new ArrayList<>();

	private boolean completed;

	/**
	 * @param owed how many answers the client is still owed (its pending requests and
	 * calls): each will take a place in this queue
	 */
	SessionOutbound(int capacity, OverflowPolicy policy, Consumer<CloseReason> onOverflowClose, IntSupplier owed) {
		this.capacity = capacity;
		this.policy = policy;
		this.onOverflowClose = onOverflowClose;
		this.owed = owed;
	}

	/** The messages as they are; only one subscriber is allowed. */
	Flux<ServerMessage> flux() {
		return Flux.from(encoded(Function.identity()));
	}

	/**
	 * The messages, each encoded by {@code encoder} when it leaves the queue; only one
	 * subscriber is allowed.
	 */
	<T> Publisher<T> encoded(Function<? super ServerMessage, ? extends T> encoder) {
		return new EncodedPublisher<>(this, encoder);
	}

	long droppedTotal() {
		return this.droppedTotal.get();
	}

	private void attach(OutboundSubscription<?> subscription) {
		synchronized (this.lock) {
			if (this.subscribed) {
				Operators.error(subscription.actual,
						new IllegalStateException("The outbound queue allows only one subscriber"));
				return;
			}
			this.subscribed = true;
		}
		subscription.actual.onSubscribe(subscription);
		// signals only after onSubscribe has returned; demand it brought is drained now
		this.subscription = subscription;
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

	/**
	 * Runs {@code action} once the queue, counting the answers still owed, is at most half
	 * full (at once if it is), or once the queue is closed.
	 */
	void whenRoom(Runnable action) {
		synchronized (this.lock) {
			if (!hasRoom() && !this.completed) {
				this.roomWaiters.add(action);
				return;
			}
		}
		action.run();
	}

	/** Called under the lock. */
	private boolean hasRoom() {
		return this.queue.size() + this.owed.getAsInt() <= this.capacity / 2;
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
		List<Runnable> waiting;
		synchronized (this.lock) {
			this.completed = true;
			this.queue.clear();
			waiting = new ArrayList<>(this.roomWaiters);
			this.roomWaiters.clear();
		}
		// nothing more will be written: those waiting for room must not wait forever
		waiting.forEach(Runnable::run);
	}

	private void drain() {
		if (this.wip.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			OutboundSubscription<?> target = this.subscription;
			if (target != null) {
				target.drain();
			}
			missed = this.wip.addAndGet(-missed);
		}
		while (missed != 0);
	}

	private boolean hasQueued() {
		synchronized (this.lock) {
			return !this.queue.isEmpty();
		}
	}

	private int queued() {
		synchronized (this.lock) {
			return this.queue.size();
		}
	}

	private boolean isDrained() {
		synchronized (this.lock) {
			return this.completed && this.queue.isEmpty();
		}
	}

	/** Runs those waiting for room if there is room now. */
	void wakeRoomWaiters() {
		List<Runnable> ready;
		synchronized (this.lock) {
			if (this.roomWaiters.isEmpty() || !hasRoom()) {
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

	/** Subscribes each subscriber to the one queue. */
	private record EncodedPublisher<T>(SessionOutbound outbound, Function<? super ServerMessage, ? extends T> encoder)
			implements Publisher<T>, Fuseable {

		@Override
		public void subscribe(Subscriber<? super T> subscriber) {
			this.outbound.attach(
					new OutboundSubscription<T>(this.outbound, this.encoder, Operators.toCoreSubscriber(subscriber)));
		}

	}

	/**
	 * The subscriber's side of the queue. Not fused, it is handed messages as it asks for
	 * them; fused ({@link Fuseable#ASYNC}), it is told when messages it asked for are
	 * waiting and {@link #poll() polls} them itself.
	 */
	private static final class OutboundSubscription<T> implements Fuseable.QueueSubscription<T> {

		private final SessionOutbound outbound;

		private final Function<? super ServerMessage, ? extends T> encoder;

		final CoreSubscriber<? super T> actual;

		private final AtomicLong requested = new AtomicLong();

		private volatile boolean cancelled;

		private boolean fused;

		private boolean terminated;

		OutboundSubscription(SessionOutbound outbound, Function<? super ServerMessage, ? extends T> encoder,
				CoreSubscriber<? super T> actual) {
			this.outbound = outbound;
			this.encoder = encoder;
			this.actual = actual;
		}

		/** Runs serialized by the outbound's drain loop. */
		void drain() {
			if (this.cancelled || this.terminated) {
				return;
			}
			if (this.fused) {
				boolean waiting;
				boolean completed;
				synchronized (this.outbound.lock) {
					waiting = !this.outbound.queue.isEmpty();
					completed = this.outbound.completed;
				}
				if (waiting && this.requested.get() > 0) {
					this.actual.onNext(null);
				}
				if (completed) {
					this.terminated = true;
					this.actual.onComplete();
				}
				return;
			}
			T next;
			while (!this.cancelled && (next = poll()) != null) {
				this.actual.onNext(next);
			}
			if (!this.cancelled && this.outbound.isDrained()) {
				this.terminated = true;
				this.actual.onComplete();
			}
		}

		@Override
		public void request(long n) {
			if (Operators.validate(n)) {
				this.requested.accumulateAndGet(n, Operators::addCap);
				this.outbound.drain();
			}
		}

		@Override
		public void cancel() {
			this.cancelled = true;
			this.outbound.discard();
		}

		@Override
		public int requestFusion(int requestedMode) {
			if ((requestedMode & Fuseable.ASYNC) != 0) {
				this.fused = true;
				return Fuseable.ASYNC;
			}
			return Fuseable.NONE;
		}

		/**
		 * The next message, encoded, within the subscriber's demand. A fused subscriber too
		 * gets no more than it has asked for with {@link #request(long)}: what it has not
		 * asked for stays in this queue, where the overflow policy applies, rather than
		 * piling up further down (Reactor Netty, for one, asks per written-and-flushed
		 * frame but polls as long as it gets messages).
		 */
		@Override
		public T poll() {
			if (this.requested.get() == 0) {
				return null;
			}
			ServerMessage next = this.outbound.poll();
			if (next == null) {
				return null;
			}
			if (this.requested.get() != Long.MAX_VALUE) {
				this.requested.decrementAndGet();
			}
			this.outbound.wakeRoomWaiters();
			return this.encoder.apply(next);
		}

		@Override
		public int size() {
			return this.outbound.queued();
		}

		@Override
		public boolean isEmpty() {
			return !this.outbound.hasQueued();
		}

		/** The fused subscriber is done with the queue: what is left is discarded. */
		@Override
		public void clear() {
			this.outbound.discard();
		}

	}

}
