package io.zmqws.bench.load;

import org.HdrHistogram.Histogram;

/**
 * One measured run.
 *
 * @param scenario e.g. {@code reqrep}, {@code rpc}, {@code fanout}
 * @param target what was measured, e.g. {@code gateway}, {@code bare}, {@code zmq}
 * @param level requests in flight, or subscribers
 * @param mode {@code max} (closed loop / window) or {@code rate}
 * @param offeredRate requests or messages per second offered in rate mode, else 0
 * @param count completed requests or delivered frames in the window
 * @param seconds the window
 * @param latency latencies in nanoseconds (from the intended send time in rate mode)
 * @param errors error answers, lost messages or unanswered requests
 * @param serverCpu server-side CPU, percent of one core
 * @param clientCpu load generator CPU, percent of one core
 */
public record Result(String scenario, String target, int level, String mode, double offeredRate, long count,
		double seconds, Histogram latency, long errors, double serverCpu, double clientCpu) {

	public double throughput() {
		return this.count / this.seconds;
	}

	/** A latency percentile in milliseconds. */
	public double latencyMs(double percentile) {
		return (this.latency == null || this.latency.getTotalCount() == 0) ? Double.NaN
				: this.latency.getValueAtPercentile(percentile) / 1e6;
	}

	/** Server CPU microseconds per completed request or delivered frame. */
	public double serverMicrosPerOp() {
		return (this.count == 0) ? Double.NaN : this.serverCpu / 100.0 * this.seconds * 1e6 / this.count;
	}

}
