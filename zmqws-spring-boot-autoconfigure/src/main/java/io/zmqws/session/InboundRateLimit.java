package io.zmqws.session;

/**
 * A token bucket for one connection's inbound messages: up to {@code perSecond} messages
 * in any second, bursts included. A message over the limit is refused; a client that
 * sends at twice the limit for a second is to be disconnected.
 */
final class InboundRateLimit {

	private static final long SECOND = 1_000_000_000L;

	private final long perSecond;

	private double tokens;

	private long refilledAt;

	private long windowStart;

	private long refusedInWindow;

	InboundRateLimit(long perSecond, long now) {
		this.perSecond = perSecond;
		this.tokens = perSecond;
		this.refilledAt = now;
		this.windowStart = now;
	}

	/** What to do with one inbound message. */
	enum Verdict {

		/** Within the limit. */
		ACCEPT,
		/** Over the limit: refuse it and tell the client. */
		REFUSE_AND_TELL,
		/** Over the limit again within the same second: refuse it quietly. */
		REFUSE,
		/** Far over the limit: disconnect. */
		DISCONNECT

	}

	Verdict check(long now) {
		if (this.perSecond <= 0) {
			return Verdict.ACCEPT;
		}
		this.tokens = Math.min(this.perSecond, this.tokens + (now - this.refilledAt) * (double) this.perSecond / SECOND);
		this.refilledAt = now;
		if (now - this.windowStart >= SECOND) {
			this.windowStart = now;
			this.refusedInWindow = 0;
		}
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return Verdict.ACCEPT;
		}
		this.refusedInWindow++;
		if (this.refusedInWindow > this.perSecond) {
			return Verdict.DISCONNECT;
		}
		return (this.refusedInWindow == 1) ? Verdict.REFUSE_AND_TELL : Verdict.REFUSE;
	}

}
