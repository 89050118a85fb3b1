package io.zmqws.bench.server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every benchmark server reports about itself: heap in use after full collections
 * and its resident set size; and the line the driver waits for at start-up.
 */
public final class ServerStats {

	/** The line a server prints once it accepts connections. */
	public static final String READY = "BENCH-READY";

	private ServerStats() {
	}

	/** Heap used after two full collections, and VmRSS, as a small JSON object. */
	public static String json() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		return "{\"heapUsedAfterGc\":" + heap + ",\"rssBytes\":" + rssBytes() + "}";
	}

	/** This process's VmRSS in bytes, or -1. */
	public static long rssBytes() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// not on Linux
		}
		return -1;
	}

	public static void announceReady(String kind, int port, String... details) {
		System.out.println(READY + " kind=" + kind + " port=" + port + " pid=" + ProcessHandle.current().pid() + " "
				+ String.join(" ", details));
		System.out.flush();
	}

}
