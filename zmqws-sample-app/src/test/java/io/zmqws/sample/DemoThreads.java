package io.zmqws.sample;

import java.util.HashSet;
import java.util.Set;

/**
 * The demo backends' threads, which are all named {@code demo-*}.
 */
public final class DemoThreads {

	private DemoThreads() {
	}

	/** Every live thread whose name starts with {@code demo-}. */
	public static Set<Thread> alive() {
		Set<Thread> threads = new HashSet<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (thread.getName().startsWith("demo-") && thread.isAlive()) {
				threads.add(thread);
			}
		}
		return threads;
	}

}
