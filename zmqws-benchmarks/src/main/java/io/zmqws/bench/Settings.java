package io.zmqws.bench;

import java.time.Duration;

/**
 * How long and at which levels to measure: {@link #SHORT} fits the whole suite in under
 * ten minutes on two cores; {@link #FULL} measures longer for steadier numbers.
 *
 * @param jitWarmup unrecorded load on every server before its first measured run, so that
 * the first runs measure compiled code rather than the JIT compiler at work
 * @param warmup unrecorded time at the start of every run
 * @param measure recorded time of every run
 * @param inFlight request/reply and RPC levels
 * @param subscribers fan-out levels
 * @param connections memory levels
 * @param jmhWarmup JMH warm-up iterations (1 s each)
 * @param jmhMeasure JMH measurement iterations (1 s each)
 */
record Settings(String name, Duration jitWarmup, Duration warmup, Duration measure, int[] inFlight, int[] subscribers, int[] connections,
		int jmhWarmup, int jmhMeasure) {

	static final Settings SHORT = new Settings("short", Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ofSeconds(4),
			new int[] { 1, 16, 64, 256 }, new int[] { 10, 100, 1000 }, new int[] { 1000, 10_000 }, 1, 2);

	static final Settings FULL = new Settings("full", Duration.ofSeconds(30), Duration.ofSeconds(5), Duration.ofSeconds(15),
			new int[] { 1, 16, 64, 256 }, new int[] { 10, 100, 1000 }, new int[] { 1000, 10_000 }, 3, 5);

	/** Connections that carry {@code inFlight} requests: up to 4, sharing them evenly. */
	static int connectionsFor(int inFlight) {
		return Math.max(1, Math.min(inFlight, 4));
	}

	/** Messages the fan-out publisher may have in flight: about 2,048 frames, at least 16 messages. */
	static int windowFor(int subscribers) {
		return Math.max(16, 2048 / subscribers);
	}

}
