package io.zmqws.bench.load;

import java.util.concurrent.locks.LockSupport;

/**
 * Constant-rate schedule without coordinated omission: operation {@code i} is due at
 * {@code start + i / rate}. The caller sends every operation that is due and records its
 * latency from the due time, not from when it actually left, so a stalled server is
 * charged for the whole backlog it caused.
 */
public final class Pacer {

	private final long startNanos;

	private final double nanosPerOp;

	private long next;

	public Pacer(long startNanos, double ratePerSecond) {
		if (ratePerSecond <= 0) {
			throw new IllegalArgumentException("rate must be > 0");
		}
		this.startNanos = startNanos;
		this.nanosPerOp = 1e9 / ratePerSecond;
	}

	/** The due time of operation {@code index}. */
	public long dueTime(long index) {
		return this.startNanos + (long) (index * this.nanosPerOp);
	}

	/** The index of the next operation to send. */
	public long nextIndex() {
		return this.next;
	}

	/**
	 * If the next operation is due at {@code now}, returns its due time and moves on;
	 * otherwise returns {@link Long#MIN_VALUE}.
	 */
	public long takeDue(long now) {
		long due = dueTime(this.next);
		if (due - now > 0) {
			return Long.MIN_VALUE;
		}
		this.next++;
		return due;
	}

	/** Parks until the next operation is due (or shortly before). */
	public void awaitNext() {
		long wait = dueTime(this.next) - System.nanoTime();
		if (wait > 20_000) {
			LockSupport.parkNanos(wait - 10_000);
		}
	}

}
