package io.zmqws.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Measures one measurement window: wall time, the CPU time the server-side processes used
 * (from {@code /proc/<pid>/stat}), and the CPU time of this load generator.
 */
public final class Meter {

	private static final double TICKS_PER_SECOND = 100.0;

	private final List<Long> serverPids;

	private long startNanos;

	private long endNanos;

	private long serverTicksAtStart;

	private long serverTicksAtEnd;

	private long clientCpuAtStart;

	private long clientCpuAtEnd;

	private Runnable onStart = () -> {
	};

	private Runnable onStop = () -> {
	};

	public Meter(List<Long> serverPids) {
		this.serverPids = serverPids;
	}

	/** Runs {@code start} after the window opens and {@code stop} after it closes (e.g. a JFR recording). */
	public Meter around(Runnable start, Runnable stop) {
		this.onStart = start;
		this.onStop = stop;
		return this;
	}

	public void start() {
		this.serverTicksAtStart = serverTicks();
		this.clientCpuAtStart = clientCpuNanos();
		this.startNanos = System.nanoTime();
		this.onStart.run();
	}

	public void stop() {
		this.endNanos = System.nanoTime();
		this.serverTicksAtEnd = serverTicks();
		this.clientCpuAtEnd = clientCpuNanos();
		this.onStop.run();
	}

	public double seconds() {
		return (this.endNanos - this.startNanos) / 1e9;
	}

	/** Server-side CPU used, in percent of one core. */
	public double serverCpuPercent() {
		return 100.0 * ((this.serverTicksAtEnd - this.serverTicksAtStart) / TICKS_PER_SECOND) / seconds();
	}

	/** Server-side CPU seconds in the window. */
	public double serverCpuSeconds() {
		return (this.serverTicksAtEnd - this.serverTicksAtStart) / TICKS_PER_SECOND;
	}

	/** Load generator CPU used, in percent of one core. */
	public double clientCpuPercent() {
		return 100.0 * ((this.clientCpuAtEnd - this.clientCpuAtStart) / 1e9) / seconds();
	}

	private long serverTicks() {
		long total = 0;
		for (long pid : this.serverPids) {
			total += processTicks(pid);
		}
		return total;
	}

	/** utime + stime of a process, in clock ticks; 0 when unknown. */
	static long processTicks(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// fields[0] is field 3 (state); utime is field 14, stime field 15
			return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	private static long clientCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

}
