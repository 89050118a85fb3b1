package io.zmqws.server;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.zmqws.protocol.CloseCodes;
import io.zmqws.protocol.ErrorCode;
import io.zmqws.protocol.ProtocolCodec;
import io.zmqws.protocol.ProtocolException;
import io.zmqws.protocol.ServerMessage;
import io.zmqws.session.CloseReason;
import io.zmqws.session.ZmqwsSession;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One session of the HTTP fallback: a {@link ZmqwsSession} whose messages leave through a
 * series of event streams (one at a time; a new one replaces a broken one and replays what
 * the client missed) and whose client messages arrive in numbered {@code POST} batches.
 * <p>
 * Messages are taken from the session's bounded outbound queue only as fast as the
 * attached stream asks for them; while no stream is attached they wait there.
 */
final class SseConnection {

	private static final Log logger = LogFactory.getLog(SseConnection.class);

	/** What a {@code POST} batch came to. */
	enum BatchOutcome {

		/** Handled, or a repeat of a batch already handled. */
		ACCEPTED,

		/** A batch number was skipped. */
		OUT_OF_ORDER,

		/** The session has ended. */
		ENDED

	}

	private record Event(long seq, byte[] bytes) {
	}

	private final ZmqwsSession session;

	private final ProtocolCodec codec;

	private final String user;

	private final SseSettings settings;

	private final WebSessions webSessions;

	private final Runnable onEnd;

	private final Object lock = new Object();

	private final ArrayDeque<Event> retained = new ArrayDeque<>();

	private final OutboundBridge bridge = new OutboundBridge();

	private long lastSeq;

	private FluxSink<byte[]> stream;

	private Disposable streamTimers = Disposables.disposed();

	private boolean ended;

	private long lastBatch;

	private Mono<Void> batchesBefore = Mono.empty();

	/**
	 * @param session the session
	 * @param codec its encoding
	 * @param user the name of the user who opened it, or {@code null}
	 * @param settings the transport's settings
	 * @param webSessions the browser sessions, checked for expiry at every ping
	 * @param onEnd called once the session has ended
	 */
	SseConnection(ZmqwsSession session, ProtocolCodec codec, String user, SseSettings settings,
			WebSessions webSessions, Runnable onEnd) {
		this.session = session;
		this.codec = codec;
		this.user = user;
		this.settings = settings;
		this.webSessions = webSessions;
		this.onEnd = onEnd;
		session.outbound().subscribe(this.bridge);
		startResumeTimer();
	}

	ZmqwsSession session() {
		return this.session;
	}

	ProtocolCodec codec() {
		return this.codec;
	}

	/** Whether {@code user} (a name, or {@code null} when anonymous) opened this session. */
	boolean openedBy(String user) {
		return (this.user != null) ? this.user.equals(user) : user == null;
	}

	/**
	 * Whether a stream may continue after event {@code afterSeq} (0 for a new session):
	 * the events after it are all still retained.
	 */
	boolean canResumeAfter(long afterSeq) {
		synchronized (this.lock) {
			if (this.ended || afterSeq > this.lastSeq || afterSeq < 0) {
				return false;
			}
			long oldest = this.retained.isEmpty() ? this.lastSeq + 1 : this.retained.peekFirst().seq();
			return afterSeq + 1 >= oldest;
		}
	}

	/**
	 * The event stream continuing after event {@code afterSeq} (0 for a new session); it
	 * ends when the session ends or another stream replaces it.
	 */
	Flux<byte[]> stream(long afterSeq) {
		return Flux.<byte[]>create((sink) -> attach(sink, afterSeq)).startWith(SseEvents.RETRY);
	}

	private void attach(FluxSink<byte[]> sink, long afterSeq) {
		FluxSink<byte[]> replaced;
		synchronized (this.lock) {
			if (this.ended || !canResumeAfter(afterSeq)) {
				sink.complete();
				return;
			}
			replaced = this.stream;
			this.stream = sink;
			this.streamTimers.dispose();
			this.streamTimers = pings();
			for (Event event : this.retained) {
				if (event.seq() > afterSeq) {
					sink.next(event.bytes());
				}
			}
		}
		if (replaced != null) {
			replaced.complete();
		}
		sink.onRequest(this.bridge::request);
		sink.onDispose(() -> detach(sink));
	}

	private void detach(FluxSink<byte[]> sink) {
		synchronized (this.lock) {
			if (this.stream != sink) {
				return;
			}
			this.stream = null;
			this.streamTimers.dispose();
			if (!this.ended) {
				startResumeTimer();
			}
		}
	}

	private void startResumeTimer() {
		this.streamTimers = Mono.delay(this.settings.resumeTimeout()).subscribe((tick) -> {
			synchronized (this.lock) {
				if (this.stream != null) {
					return;
				}
			}
			this.session.closeWith(new CloseReason(CloseCodes.GOING_AWAY, "No event stream"));
		});
	}

	private Disposable pings() {
		Duration interval = this.settings.pingInterval();
		if (interval.isZero()) {
			return Disposables.disposed();
		}
		return Flux.interval(interval, interval).subscribe((tick) -> {
			if (this.webSessions.ended(this.session)) {
				this.session.closeWith(new CloseReason(CloseCodes.POLICY_VIOLATION, "Session ended"));
				return;
			}
			synchronized (this.lock) {
				if (this.stream != null) {
					this.stream.next(SseEvents.PING);
				}
			}
		});
	}

	/**
	 * Handles batch number {@code number} once all earlier batches are handled; a repeated
	 * number is accepted without handling it again.
	 */
	Mono<BatchOutcome> post(long number, List<byte[]> messages) {
		Sinks.Empty<Void> handled = Sinks.empty();
		Mono<Void> before;
		synchronized (this.lock) {
			if (this.ended) {
				return Mono.just(BatchOutcome.ENDED);
			}
			before = this.batchesBefore;
			if (number <= this.lastBatch) {
				return before.thenReturn(BatchOutcome.ACCEPTED);
			}
			if (number > this.lastBatch + 1) {
				return Mono.just(BatchOutcome.OUT_OF_ORDER);
			}
			this.lastBatch = number;
			this.batchesBefore = handled.asMono();
		}
		// The batch is handled to the end even if its request goes away: its number is taken.
		before.thenMany(Flux.fromIterable(messages))
			.concatMap((message) -> receive(message).then(this.session.outboundRoom()))
			.doFinally((signal) -> handled.tryEmitEmpty())
			.subscribe(null, (ex) -> logger.error("Batch " + number + " of session " + this.session.id() + " failed", ex));
		return handled.asMono().thenReturn(BatchOutcome.ACCEPTED);
	}

	private Mono<Void> receive(byte[] message) {
		if (!this.session.withinRate()) {
			return Mono.empty();
		}
		if (message.length > this.session.maxMessageSize()) {
			this.session.reject(new ProtocolException(ErrorCode.MESSAGE_TOO_LARGE,
					"Message of " + message.length + " bytes exceeds the limit of " + this.session.maxMessageSize()));
			return Mono.empty();
		}
		try {
			return this.session.handle(this.codec.decode(message));
		}
		catch (ProtocolException ex) {
			this.session.reject(ex);
			return Mono.empty();
		}
	}

	/** Moves messages from the session's outbound queue to the attached stream. */
	private final class OutboundBridge extends BaseSubscriber<ServerMessage> {

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			// demand comes from the attached stream
		}

		@Override
		protected void hookOnNext(ServerMessage message) {
			synchronized (SseConnection.this.lock) {
				long seq = ++SseConnection.this.lastSeq;
				Event event = new Event(seq, SseEvents.message(SseConnection.this.session.id(), seq,
						SseConnection.this.codec, message));
				SseConnection.this.retained.addLast(event);
				if (SseConnection.this.retained.size() > SseConnection.this.settings.replaySize()) {
					SseConnection.this.retained.removeFirst();
				}
				if (SseConnection.this.stream != null) {
					SseConnection.this.stream.next(event.bytes());
				}
			}
		}

		@Override
		protected void hookFinally(reactor.core.publisher.SignalType type) {
			end();
		}

	}

	private void end() {
		FluxSink<byte[]> last;
		synchronized (this.lock) {
			if (this.ended) {
				return;
			}
			this.ended = true;
			this.streamTimers.dispose();
			last = this.stream;
			this.stream = null;
			this.retained.clear();
		}
		if (last != null) {
			CloseReason reason = this.session.closeReason();
			last.next(SseEvents.close((reason != null) ? reason : new CloseReason(CloseCodes.NORMAL, "")));
			last.complete();
		}
		this.onEnd.run();
	}

}
