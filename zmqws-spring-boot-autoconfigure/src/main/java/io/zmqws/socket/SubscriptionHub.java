package io.zmqws.socket;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.zmqws.protocol.SharedFrames;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import reactor.core.publisher.Mono;

/**
 * One SUB socket per endpoint, shared by every client subscribed to it.
 * <p>
 * The socket's subscriptions follow the union of the subscribers' topic prefixes: a
 * prefix is subscribed when its first subscriber arrives and unsubscribed when its last
 * one leaves. Each message goes once to every subscriber with at least one matching
 * prefix, on the hub's thread, so subscribers must only hand it on. All subscribers get the
 * same read-only {@link SharedFrames}, so that what is encoded of them is encoded once.
 */
public final class SubscriptionHub extends SocketLoop {

	private static final long SWEEP_INTERVAL = TimeUnit.SECONDS.toNanos(5);

	private final Map<Topic, List<Member>> routes = new HashMap<>();

	private final Map<Subscriber, Member> members = new IdentityHashMap<>();

	private volatile Set<Topic> subscribedTopics = Set.of();

	private long sequence;

	private long nextSweep = Long.MAX_VALUE;

	public SubscriptionHub(EndpointDefinition endpoint, ZMQ.Context context) {
		super(endpoint, context);
	}

	@Override
	protected SocketType socketType() {
		return SocketType.SUB;
	}

	/** Receives messages from a hub. */
	public interface Subscriber {

		/** A message matching one of this subscriber's prefixes; called on the hub thread. */
		void onMessage(List<byte[]> frames);

		/** {@code false} once the subscriber is gone; the hub then forgets it. */
		boolean isActive();

	}

	/** Adds a prefix for a subscriber; completes once messages with it are routed. */
	public Mono<Void> subscribe(Subscriber subscriber, byte[] topic) {
		Topic key = new Topic(topic);
		return onLoop(() -> add(subscriber, key));
	}

	/** Removes a prefix of a subscriber; completes once no longer routed. */
	public Mono<Void> unsubscribe(Subscriber subscriber, byte[] topic) {
		Topic key = new Topic(topic);
		return onLoop(() -> remove(subscriber, key));
	}

	/**
	 * Forgets a subscriber. Best effort: a subscriber that is no longer
	 * {@link Subscriber#isActive() active} is forgotten by the hub's sweep in any case.
	 */
	public void unsubscribeAll(Subscriber subscriber) {
		execute(() -> removeAll(subscriber));
	}

	/** The prefixes the ZeroMQ socket is subscribed to now. */
	public Set<byte[]> subscribedTopics() {
		Set<byte[]> topics = new HashSet<>();
		for (Topic topic : this.subscribedTopics) {
			topics.add(topic.bytes().clone());
		}
		return topics;
	}

	private Mono<Void> onLoop(Runnable action) {
		return Mono.create(sink -> {
			boolean queued = execute(() -> {
				action.run();
				sink.success();
			});
			if (!queued) {
				sink.error(new ZmqSocketException(ZmqSocketException.Reason.OVERLOADED,
						"Endpoint '" + endpoint().name() + "' is not accepting subscriptions"));
			}
		});
	}

	private void add(Subscriber subscriber, Topic topic) {
		Member member = this.members.computeIfAbsent(subscriber, Member::new);
		if (!member.topics.contains(topic)) {
			member.topics.add(topic);
			List<Member> route = this.routes.computeIfAbsent(topic, (key) -> new ArrayList<>());
			route.add(member);
			if (route.size() == 1) {
				socket().subscribe(topic.bytes());
				publishTopics();
			}
		}
		if (this.nextSweep == Long.MAX_VALUE) {
			this.nextSweep = System.nanoTime() + SWEEP_INTERVAL;
		}
	}

	private void remove(Subscriber subscriber, Topic topic) {
		Member member = this.members.get(subscriber);
		if (member != null && member.topics.remove(topic)) {
			detach(member, topic);
			if (member.topics.isEmpty()) {
				this.members.remove(subscriber);
			}
		}
	}

	private void removeAll(Subscriber subscriber) {
		Member member = this.members.remove(subscriber);
		if (member != null) {
			for (Topic topic : member.topics) {
				detach(member, topic);
			}
			member.topics.clear();
		}
	}

	private void detach(Member member, Topic topic) {
		List<Member> route = this.routes.get(topic);
		if (route != null && route.remove(member) && route.isEmpty()) {
			this.routes.remove(topic);
			socket().unsubscribe(topic.bytes());
			publishTopics();
		}
	}

	private void publishTopics() {
		this.subscribedTopics = Set.copyOf(this.routes.keySet());
	}

	@Override
	protected void onMessage(List<byte[]> received) {
		// One list for every subscriber: the codecs encode its frames once for all of them.
		List<byte[]> frames = new SharedFrames(received);
		byte[] topic = frames.get(0);
		long message = ++this.sequence;
		boolean inactiveSeen = false;
		for (Map.Entry<Topic, List<Member>> route : this.routes.entrySet()) {
			if (!route.getKey().isPrefixOf(topic)) {
				continue;
			}
			for (Member member : route.getValue()) {
				if (member.lastMessage == message) {
					continue;
				}
				member.lastMessage = message;
				if (member.subscriber.isActive()) {
					member.subscriber.onMessage(frames);
				}
				else {
					inactiveSeen = true;
				}
			}
		}
		if (inactiveSeen) {
			sweep();
		}
	}

	@Override
	protected long nextTimer() {
		return this.nextSweep;
	}

	@Override
	protected void onTimer(long now) {
		sweep();
		this.nextSweep = this.members.isEmpty() ? Long.MAX_VALUE : now + SWEEP_INTERVAL;
	}

	private void sweep() {
		Iterator<Map.Entry<Subscriber, Member>> entries = this.members.entrySet().iterator();
		List<Member> gone = new ArrayList<>();
		while (entries.hasNext()) {
			Member member = entries.next().getValue();
			if (!member.subscriber.isActive()) {
				gone.add(member);
				entries.remove();
			}
		}
		for (Member member : gone) {
			for (Topic topic : member.topics) {
				detach(member, topic);
			}
		}
	}

	private static final class Member {

		private final Subscriber subscriber;

		/** Distinct prefixes; usually one, so a list (smaller than a set) searched in full. */
		private final List<Topic> topics = new ArrayList<>(1);

		private long lastMessage;

		Member(Subscriber subscriber) {
			this.subscriber = subscriber;
		}

	}

	private record Topic(byte[] bytes) {

		boolean isPrefixOf(byte[] candidate) {
			return candidate.length >= this.bytes.length
					&& Arrays.equals(this.bytes, 0, this.bytes.length, candidate, 0, this.bytes.length);
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Topic topic && Arrays.equals(this.bytes, topic.bytes);
		}

		@Override
		public int hashCode() {
			return Arrays.hashCode(this.bytes);
		}

		@Override
		public String toString() {
			return Arrays.toString(this.bytes);
		}

	}

}
