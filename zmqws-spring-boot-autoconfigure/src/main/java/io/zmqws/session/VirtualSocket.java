package io.zmqws.session;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.zmqws.protocol.ServerMessage;
import io.zmqws.socket.SocketLoop;
import io.zmqws.socket.SubscriptionHub;
import reactor.core.Disposable;

/**
 * A socket a client opened on a named endpoint, identified by the client's {@code sid}.
 */
final class VirtualSocket implements SubscriptionHub.Subscriber {

	private final long sid;

	private final SocketLoop endpoint;

	private final SessionOutbound outbound;

	private final Set<Disposable> calls = ConcurrentHashMap.newKeySet();

	private final Set<String> topics = ConcurrentHashMap.newKeySet();

	private volatile boolean active = true;

	VirtualSocket(long sid, SocketLoop endpoint, SessionOutbound outbound) {
		this.sid = sid;
		this.endpoint = endpoint;
		this.outbound = outbound;
	}

	long sid() {
		return this.sid;
	}

	SocketLoop endpoint() {
		return this.endpoint;
	}

	/** Tracks an operation in flight so that closing the socket can cancel it. */
	void track(Disposable call) {
		this.calls.add(call);
	}

	void untrack(Disposable call) {
		this.calls.remove(call);
	}

	/** Records a topic; {@code false} if it was already subscribed. */
	boolean addTopic(byte[] topic) {
		return this.topics.add(key(topic));
	}

	boolean removeTopic(byte[] topic) {
		return this.topics.remove(key(topic));
	}

	int topicCount() {
		return this.topics.size();
	}

	@Override
	public void onMessage(List<byte[]> frames) {
		deliver(new ServerMessage.Message(this.sid, frames, 0));
	}

	/**
	 * Queues a message about this socket unless it is closed: checked and queued under the
	 * lock {@link #close()} takes, so nothing for it follows the client's {@code closed}
	 * (and reaches a new socket reusing the sid).
	 */
	void deliver(ServerMessage message) {
		synchronized (this) {
			if (this.active) {
				this.outbound.offer(message);
			}
		}
	}

	@Override
	public boolean isActive() {
		return this.active;
	}

	/** Stops deliveries and cancels operations in flight. */
	void close() {
		synchronized (this) {
			this.active = false;
		}
		if (this.endpoint instanceof SubscriptionHub hub && !this.topics.isEmpty()) {
			hub.unsubscribeAll(this);
		}
		for (Disposable call : this.calls) {
			call.dispose();
		}
		this.calls.clear();
	}

	private static String key(byte[] topic) {
		return new String(topic, StandardCharsets.ISO_8859_1);
	}

}
