package io.zmqws.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * CPU pinning with util-linux {@code taskset}: servers are started under
 * {@code taskset -c}, and the driver pins all of its own threads ({@code taskset -a -p})
 * while it generates load, and unpins them for JMH.
 */
final class Affinity {

	private static Boolean available;

	private Affinity() {
	}

	static synchronized boolean available() {
		if (available == null) {
			available = run("taskset", "-p", Long.toString(ProcessHandle.current().pid()));
			if (!available) {
				Bench.log("taskset is not available: processes are NOT pinned; results are noisier");
			}
		}
		return available;
	}

	/** Pins every thread of this JVM (and the threads they create) to {@code cpus}. */
	static void pinSelf(String cpus) {
		if (available() && !run("taskset", "-a", "-p", "-c", cpus, Long.toString(ProcessHandle.current().pid()))) {
			Bench.log("could not pin the load generator to CPUs " + cpus);
		}
	}

	private static boolean run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
