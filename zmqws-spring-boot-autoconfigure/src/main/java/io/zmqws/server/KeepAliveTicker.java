package io.zmqws.server;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.zmqws.protocol.CloseCodes;
import io.zmqws.session.CloseReason;
import io.zmqws.session.ZmqwsSession;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * Keeps WebSocket connections alive with one timer for all of them: every ping interval
 * it closes, with 1001, the connections silent for longer than the idle timeout, closes,
 * with 1008, those whose browser session ended, and pings the others. A connection costs
 * an entry in a set, not a timer and a merged stream of its own.
 */
final class KeepAliveTicker {

	private static final Log logger = LogFactory.getLog(KeepAliveTicker.class);

	private static final byte[] PING_PAYLOAD = "zmqws".getBytes(StandardCharsets.US_ASCII);

	private final KeepAlive keepAlive;

	private final Predicate<ZmqwsSession> sessionEnded;

	private final Scheduler scheduler;

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private Disposable ticks;

	/**
	 * @param keepAlive the ping interval and idle timeout
	 * @param sessionEnded whether a connection's browser session has ended
	 * @param scheduler where the ticks run
	 */
	KeepAliveTicker(KeepAlive keepAlive, Predicate<ZmqwsSession> sessionEnded, Scheduler scheduler) {
		this.keepAlive = keepAlive;
		this.sessionEnded = sessionEnded;
		this.scheduler = scheduler;
	}

	KeepAliveTicker(KeepAlive keepAlive, Predicate<ZmqwsSession> sessionEnded) {
		this(keepAlive, sessionEnded, Schedulers.parallel());
	}

	/** Starts ticking, unless pings are off. */
	synchronized void start() {
		if (this.ticks == null && !this.keepAlive.pingInterval().isZero()) {
			long interval = this.keepAlive.pingInterval().toNanos();
			this.ticks = this.scheduler.schedulePeriodically(this::tick, interval, interval,
					TimeUnit.NANOSECONDS);
		}
	}

	/** Stops ticking; registered connections stay registered. */
	synchronized void stop() {
		if (this.ticks != null) {
			this.ticks.dispose();
			this.ticks = null;
		}
	}

	/**
	 * Keeps a connection alive until {@link #remove(Connection) removed}.
	 * @param lastActivity the {@link System#nanoTime()} of the last frame received
	 */
	Connection add(WebSocketSession webSocket, ZmqwsSession session, AtomicLong lastActivity) {
		Connection connection = new Connection(webSocket, session, lastActivity);
		this.connections.add(connection);
		return connection;
	}

	/** Forgets a connection; safe to call more than once. */
	void remove(Connection connection) {
		this.connections.remove(connection);
	}

	/** The number of connections kept alive. */
	int size() {
		return this.connections.size();
	}

	/** Checks every connection now, as each ping interval does. */
	void tick() {
		long idleNanos = this.keepAlive.idleTimeout().toNanos();
		long now = System.nanoTime();
		for (Connection connection : this.connections) {
			try {
				check(connection, idleNanos, now);
			}
			catch (RuntimeException ex) {
				logger.warn("Keep-alive check of session " + connection.session.id() + " failed", ex);
			}
		}
	}

	private void check(Connection connection, long idleNanos, long now) {
		ZmqwsSession session = connection.session;
		if (idleNanos > 0 && now - connection.lastActivity.get() > idleNanos) {
			remove(connection);
			session.closeWith(new CloseReason(CloseCodes.GOING_AWAY, "Idle timeout"));
			return;
		}
		if (this.sessionEnded.test(session)) {
			remove(connection);
			session.closeWith(new CloseReason(CloseCodes.POLICY_VIOLATION, "Session ended"));
			return;
		}
		WebSocketSession webSocket = connection.webSocket;
		// Control frames may go between the session's messages: a send of its own.
		webSocket.send(Mono.fromSupplier(() -> webSocket.pingMessage((factory) -> factory.wrap(PING_PAYLOAD))))
			.subscribe(null, (ex) -> {
				// the connection is closing; its own send reports why
			});
	}

	/** A connection kept alive. */
	static final class Connection {

		private final WebSocketSession webSocket;

		private final ZmqwsSession session;

		private final AtomicLong lastActivity;

		private Connection(WebSocketSession webSocket, ZmqwsSession session, AtomicLong lastActivity) {
			this.webSocket = webSocket;
			this.session = session;
			this.lastActivity = lastActivity;
		}

	}

}
