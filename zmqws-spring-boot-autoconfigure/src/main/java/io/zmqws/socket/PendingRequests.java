package io.zmqws.socket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The requests of one {@link RequestChannel} that await replies: correlation ids,
 * deadlines and where each reply goes.
 * <p>
 * {@link #request} and {@link #requestStream} may be called from any thread; they hand
 * the request to the channel's own thread through {@link Owner#execute}. Everything else
 * runs on that thread.
 */
final class PendingRequests {

	private static final byte[] EMPTY = new byte[0];

	private final EndpointDefinition endpoint;

	private final Owner owner;

	private final AtomicLong correlation = new AtomicLong();

	private final AtomicLong droppedReplies = new AtomicLong();

	private final Map<Long, Pending> pending = new HashMap<>();

	private final PriorityQueue<Pending> deadlines = new PriorityQueue<>(Comparator.comparingLong(Pending::deadline));

	PendingRequests(EndpointDefinition endpoint, Owner owner) {
		this.endpoint = endpoint;
		this.owner = owner;
	}

	Mono<List<byte[]>> request(List<byte[]> frames, Duration timeout) {
		return Mono.create((sink) -> start(frames, timeout, new SingleReply(sink), sink::error, sink::onCancel));
	}

	Flux<List<byte[]>> requestStream(List<byte[]> frames, Duration idleTimeout, Predicate<List<byte[]>> isLast) {
		return Flux.create((sink) -> start(frames, idleTimeout, new StreamedReplies(sink, isLast), sink::error,
				(cancel) -> sink.onDispose(cancel::dispose)));
	}

	/** The envelope of a message that expects no reply. */
	List<byte[]> postEnvelope() {
		return List.of(Frames.ofLong(this.correlation.incrementAndGet()), EMPTY);
	}

	long droppedReplies() {
		return this.droppedReplies.get();
	}

	private void start(List<byte[]> frames, Duration timeout, Target target, Consumer<Throwable> fail,
			Consumer<Disposable> onCancel) {
		long timeoutNanos = ((timeout != null) ? timeout : this.endpoint.options().requestTimeout()).toNanos();
		if (Frames.size(frames) > this.endpoint.options().maxMessageSize()) {
			fail.accept(new ZmqSocketException(ZmqSocketException.Reason.TOO_LARGE,
					"Request exceeds the endpoint's maximum message size"));
			return;
		}
		long id = this.correlation.incrementAndGet();
		if (!this.owner.execute(() -> send(id, frames, timeoutNanos, target))) {
			fail.accept(new ZmqSocketException(ZmqSocketException.Reason.OVERLOADED,
					"Endpoint '" + this.endpoint.name() + "' is not accepting requests"));
			return;
		}
		onCancel.accept(() -> this.owner.execute(() -> this.pending.remove(id)));
	}

	private void send(long id, List<byte[]> frames, long timeoutNanos, Target target) {
		if (this.pending.size() >= this.endpoint.options().maxPendingRequests()) {
			target.fail(new ZmqSocketException(ZmqSocketException.Reason.OVERLOADED,
					"Endpoint '" + this.endpoint.name() + "' has too many pending requests"));
			return;
		}
		Object route = this.owner.send(List.of(Frames.ofLong(id), EMPTY), frames);
		if (route == null) {
			target.fail(new ZmqSocketException(ZmqSocketException.Reason.BACKEND_UNAVAILABLE,
					"No backend of endpoint '" + this.endpoint.name() + "' can take the request"));
			return;
		}
		track(new Pending(id, System.nanoTime() + timeoutNanos, timeoutNanos, target, route));
	}

	private void track(Pending request) {
		this.pending.put(request.id(), request);
		this.deadlines.add(request);
		if (this.deadlines.size() > 2 * this.pending.size() + 1024) {
			this.deadlines.removeIf((candidate) -> this.pending.get(candidate.id()) != candidate);
		}
		if (this.deadlines.peek() == request) {
			this.owner.earliestDeadlineChanged(request.deadline());
		}
	}

	/** Hands a received message to the request it answers, or drops it. */
	void onReply(List<byte[]> frames) {
		if (frames.size() < 2 || frames.get(0).length != Long.BYTES || frames.get(1).length != 0) {
			this.droppedReplies.incrementAndGet();
			return;
		}
		long id = Frames.toLong(frames.get(0));
		Pending request = this.pending.get(id);
		if (request == null) {
			this.droppedReplies.incrementAndGet();
			return;
		}
		boolean finished = request.target().reply(new ArrayList<>(frames.subList(2, frames.size())));
		if (finished) {
			this.pending.remove(id);
		}
		else {
			track(new Pending(id, System.nanoTime() + request.timeoutNanos(), request.timeoutNanos(),
					request.target(), request.route()));
		}
	}

	/** The {@link System#nanoTime()} of the next deadline, or {@code Long.MAX_VALUE}. */
	long nextDeadline() {
		Pending next;
		while ((next = this.deadlines.peek()) != null && this.pending.get(next.id()) != next) {
			this.deadlines.poll();
		}
		return (next != null) ? next.deadline() : Long.MAX_VALUE;
	}

	/** Fails every request whose deadline has passed. */
	void expire(long now) {
		Pending next;
		while ((next = this.deadlines.peek()) != null && next.deadline() - now <= 0) {
			this.deadlines.poll();
			if (this.pending.get(next.id()) == next) {
				this.pending.remove(next.id());
				next.target().fail(new ZmqSocketException(ZmqSocketException.Reason.TIMEOUT,
						"No reply within " + TimeUnit.NANOSECONDS.toMillis(next.timeoutNanos()) + " ms"));
			}
		}
	}

	/** Fails the requests sent on {@code route} (a connection that was lost). */
	void failRoute(Object route, ZmqSocketException.Reason reason, String message) {
		Iterator<Pending> requests = this.pending.values().iterator();
		while (requests.hasNext()) {
			Pending request = requests.next();
			if (request.route() == route) {
				requests.remove();
				request.target().fail(new ZmqSocketException(reason, message));
			}
		}
	}

	void failAll(ZmqSocketException.Reason reason, String message) {
		for (Pending request : this.pending.values()) {
			request.target().fail(new ZmqSocketException(reason, message));
		}
		this.pending.clear();
		this.deadlines.clear();
	}

	/** What the channel's thread provides. */
	interface Owner {

		/**
		 * Runs {@code command} on the channel's thread; callable from any thread.
		 * @return {@code false} when the channel is stopping or cannot queue more
		 */
		boolean execute(Runnable command);

		/**
		 * Sends {@code envelope} followed by {@code frames} without waiting.
		 * @return what the request went on (for {@link #failRoute}), or {@code null} when
		 * no backend can take it
		 */
		Object send(List<byte[]> envelope, List<byte[]> frames);

		/** The earliest deadline is now {@code deadline}: a timer may need to move. */
		default void earliestDeadlineChanged(long deadline) {
		}

	}

	private record Pending(long id, long deadline, long timeoutNanos, Target target, Object route) {
	}

	/** Where replies to one request go; called on the channel's thread. */
	private interface Target {

		/** Takes a reply; returns whether the request is finished. */
		boolean reply(List<byte[]> frames);

		void fail(Throwable failure);

	}

	private record SingleReply(MonoSink<List<byte[]>> sink) implements Target {

		@Override
		public boolean reply(List<byte[]> frames) {
			this.sink.success(frames);
			return true;
		}

		@Override
		public void fail(Throwable failure) {
			this.sink.error(failure);
		}

	}

	private record StreamedReplies(FluxSink<List<byte[]>> sink, Predicate<List<byte[]>> isLast) implements Target {

		@Override
		public boolean reply(List<byte[]> frames) {
			this.sink.next(frames);
			if (this.isLast.test(frames)) {
				this.sink.complete();
				return true;
			}
			return false;
		}

		@Override
		public void fail(Throwable failure) {
			this.sink.error(failure);
		}

	}

}
