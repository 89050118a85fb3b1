package io.zmqws.socket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Request/reply to REP or ROUTER backends over one DEALER socket, with many requests in
 * flight.
 * <p>
 * Each request goes out as {@code [correlation id (8 bytes), empty, frames...]}. A REP
 * backend keeps everything up to the empty frame as the envelope and sends it back with
 * its reply, so replies are matched by id, never by order. A reply whose id is unknown
 * (late, duplicate, or for a cancelled request) is dropped and counted. A ROUTER backend
 * may answer one request with several replies, which {@link #requestStream} collects.
 */
public final class RequestChannel extends SocketLoop {

	private static final byte[] EMPTY = new byte[0];

	private final AtomicLong correlation = new AtomicLong();

	private final AtomicLong droppedReplies = new AtomicLong();

	private final Map<Long, Pending> pending = new HashMap<>();

	private final PriorityQueue<Pending> deadlines = new PriorityQueue<>(Comparator.comparingLong(Pending::deadline));

	public RequestChannel(EndpointDefinition endpoint, ZMQ.Context context) {
		super(endpoint, context);
	}

	@Override
	protected SocketType socketType() {
		return SocketType.DEALER;
	}

	/**
	 * Sends a request and emits the reply frames, or fails with a
	 * {@link ZmqSocketException}. Cancelling the subscription abandons the request.
	 * @param frames the request's frames
	 * @param timeout how long to wait, or {@code null} for the endpoint's timeout
	 */
	public Mono<List<byte[]>> request(List<byte[]> frames, Duration timeout) {
		return Mono.create((sink) -> start(frames, timeout, new SingleReply(sink), sink::error, sink::onCancel));
	}

	/**
	 * Sends a request and emits every reply to it until one satisfies {@code isLast};
	 * {@code idleTimeout} limits the wait for each reply.
	 */
	public Flux<List<byte[]>> requestStream(List<byte[]> frames, Duration idleTimeout,
			Predicate<List<byte[]>> isLast) {
		return Flux.create((sink) -> start(frames, idleTimeout, new StreamedReplies(sink, isLast), sink::error,
				(cancel) -> sink.onDispose(cancel::dispose)));
	}

	private void start(List<byte[]> frames, Duration timeout, Target target, Consumer<Throwable> fail,
			Consumer<Disposable> onCancel) {
		long timeoutNanos = ((timeout != null) ? timeout : endpoint().options().requestTimeout()).toNanos();
		if (Frames.size(frames) > endpoint().options().maxMessageSize()) {
			fail.accept(new ZmqSocketException(ZmqSocketException.Reason.TOO_LARGE,
					"Request exceeds the endpoint's maximum message size"));
			return;
		}
		long id = this.correlation.incrementAndGet();
		if (!execute(() -> send(id, frames, timeoutNanos, target))) {
			fail.accept(new ZmqSocketException(ZmqSocketException.Reason.OVERLOADED,
					"Endpoint '" + endpoint().name() + "' is not accepting requests"));
			return;
		}
		onCancel.accept(() -> execute(() -> this.pending.remove(id)));
	}

	/**
	 * Sends a message that expects no reply (any reply is dropped as unknown); completes
	 * once handed to ZeroMQ.
	 */
	public Mono<Void> post(List<byte[]> frames) {
		return Mono.defer(() -> send(List.of(Frames.ofLong(this.correlation.incrementAndGet()), EMPTY), frames));
	}

	/** How many replies were dropped because no request awaited them. */
	public long droppedReplies() {
		return this.droppedReplies.get();
	}

	private void send(long id, List<byte[]> frames, long timeoutNanos, Target target) {
		if (this.pending.size() >= endpoint().options().maxPendingRequests()) {
			target.fail(new ZmqSocketException(ZmqSocketException.Reason.OVERLOADED,
					"Endpoint '" + endpoint().name() + "' has too many pending requests"));
			return;
		}
		if ((endpoint().options().immediate() && connectedPeers() == 0)
				|| !sendMultipart(List.of(Frames.ofLong(id), EMPTY), frames)) {
			target.fail(new ZmqSocketException(ZmqSocketException.Reason.BACKEND_UNAVAILABLE,
					"No backend of endpoint '" + endpoint().name() + "' can take the request"));
			return;
		}
		track(new Pending(id, System.nanoTime() + timeoutNanos, timeoutNanos, target));
	}

	private void track(Pending request) {
		this.pending.put(request.id(), request);
		this.deadlines.add(request);
		if (this.deadlines.size() > 2 * this.pending.size() + 1024) {
			this.deadlines.removeIf((candidate) -> this.pending.get(candidate.id()) != candidate);
		}
	}

	@Override
	protected void onMessage(List<byte[]> frames) {
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
					request.target()));
		}
	}

	@Override
	protected long nextTimer() {
		Pending next;
		while ((next = this.deadlines.peek()) != null && this.pending.get(next.id()) != next) {
			this.deadlines.poll();
		}
		return (next != null) ? next.deadline() : Long.MAX_VALUE;
	}

	@Override
	protected void onTimer(long now) {
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

	/**
	 * With {@code immediate}, losing the last backend fails every pending request at once:
	 * their replies can no longer arrive.
	 */
	@Override
	protected void onPeersChanged(int peers) {
		if (peers == 0 && endpoint().options().immediate()) {
			failAll(ZmqSocketException.Reason.BACKEND_UNAVAILABLE, "Connection to the backend was lost");
		}
	}

	@Override
	protected void onStop() {
		failAll(ZmqSocketException.Reason.CANCELLED, "Gateway is stopping");
	}

	private void failAll(ZmqSocketException.Reason reason, String message) {
		for (Pending request : this.pending.values()) {
			request.target().fail(new ZmqSocketException(reason, message));
		}
		this.pending.clear();
		this.deadlines.clear();
	}

	private record Pending(long id, long deadline, long timeoutNanos, Target target) {
	}

	/** Where replies to one request go; called on the loop thread. */
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
