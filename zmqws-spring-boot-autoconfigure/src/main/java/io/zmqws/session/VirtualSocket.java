package io.zmqws.session;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.zmqws.protocol.ServerMessage;
import io.zmqws.socket.ZmqEndpoint;
import io.zmqws.socket.SubscriptionHub;
import reactor.core.Disposable;

/**
 * A socket a client opened on a named endpoint, identified by the client's {@code sid}.
 */
final class VirtualSocket implements SubscriptionHub.Subscriber {

	private final long sid;

	private final ZmqEndpoint endpoint;

	private final SessionOutbound outbound;

	/**
	 * Guards {@link #calls} and {@link #topics}; not {@code this}, which deliveries hold
	 * while they hand a message on.
	 */
	private final Object lock = new Object();

	/** Operations in flight, or {@code null} for none. */
	private Set<Disposable> calls;

	/** The distinct topics of a SUB socket (usually one), or {@code null} for none. */
	private List<byte[]> topics;

	private volatile boolean active = true;

	VirtualSocket(long sid, ZmqEndpoint endpoint, SessionOutbound outbound) {
		this.sid = sid;
		this.endpoint = endpoint;
		this.outbound = outbound;
	}

	long sid() {
		return this.sid;
	}

	ZmqEndpoint endpoint() {
		return this.endpoint;
	}

	/** Tracks an operation in flight so that closing the socket can cancel it. */
	void track(Disposable call) {
		synchronized (this.lock) {
			if (this.calls == null) {
				this.calls = new HashSet<>(4);
			}
			this.calls.add(call);
		}
	}

	void untrack(Disposable call) {
		synchronized (this.lock) {
			if (this.calls != null && this.calls.remove(call) && this.calls.isEmpty()) {
				this.calls = null;
			}
		}
	}

	/** Records a topic; {@code false} if it was already subscribed. */
	boolean addTopic(byte[] topic) {
		synchronized (this.lock) {
			if (this.topics == null) {
				this.topics = new ArrayList<>(1);
			}
			if (indexOf(topic) >= 0) {
				return false;
			}
			this.topics.add(topic);
			return true;
		}
	}

	boolean removeTopic(byte[] topic) {
		synchronized (this.lock) {
			int index = indexOf(topic);
			if (index < 0) {
				return false;
			}
			this.topics.remove(index);
			return true;
		}
	}

	private int indexOf(byte[] topic) {
		if (this.topics != null) {
			for (int i = 0; i < this.topics.size(); i++) {
				if (Arrays.equals(this.topics.get(i), topic)) {
					return i;
				}
			}
		}
		return -1;
	}

	int topicCount() {
		synchronized (this.lock) {
			return (this.topics != null) ? this.topics.size() : 0;
		}
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
		Set<Disposable> inFlight;
		boolean subscribed;
		synchronized (this.lock) {
			inFlight = this.calls;
			this.calls = null;
			subscribed = this.topics != null && !this.topics.isEmpty();
		}
		if (subscribed && this.endpoint instanceof SubscriptionHub hub) {
			hub.unsubscribeAll(this);
		}
		if (inFlight != null) {
			inFlight.forEach(Disposable::dispose);
		}
	}

}
