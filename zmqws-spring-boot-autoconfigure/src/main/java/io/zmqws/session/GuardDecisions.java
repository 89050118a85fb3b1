package io.zmqws.session;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One connection's cached event-guard answers, each valid for a while.
 */
final class GuardDecisions {

	private final long ttlNanos;

	private final OnFirstUse<Map<String, Decision>> decisions = new OnFirstUse<>(ConcurrentHashMap::new);

	GuardDecisions(Duration ttl) {
		this.ttlNanos = ttl.toNanos();
	}

	/** The cached answer of the guard, or {@code null} when none is fresh. */
	Boolean get(String guard, long now) {
		Map<String, Decision> decisions = this.decisions.ifCreated();
		Decision decision = (decisions != null) ? decisions.get(guard) : null;
		if (decision == null || now - decision.at() >= this.ttlNanos) {
			return null;
		}
		return decision.allowed();
	}

	void put(String guard, boolean allowed, long now) {
		if (this.ttlNanos > 0) {
			this.decisions.get().put(guard, new Decision(allowed, now));
		}
	}

	void clear() {
		Map<String, Decision> decisions = this.decisions.ifCreated();
		if (decisions != null) {
			decisions.clear();
		}
	}

	private record Decision(boolean allowed, long at) {
	}

}
