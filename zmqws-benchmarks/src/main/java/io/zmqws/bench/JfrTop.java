package io.zmqws.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the CPU samples ({@code jdk.ExecutionSample}) of a JFR recording: samples per
 * thread group, the hottest methods by self time, and the hottest methods by total
 * (inclusive) time, optionally restricted to threads whose name starts with a prefix.
 */
final class JfrTop {

	private JfrTop() {
	}

	static void print(Path file, String threadPrefix, int top) throws IOException {
		Map<String, Integer> threads = new HashMap<>();
		Map<String, Integer> self = new HashMap<>();
		Map<String, Integer> total = new HashMap<>();
		int samples = 0;
		for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
			if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
				continue;
			}
			RecordedThread thread = event.getThread("sampledThread");
			String threadName = (thread != null && thread.getJavaName() != null) ? thread.getJavaName() : "?";
			if (threadPrefix != null && !threadName.startsWith(threadPrefix)) {
				continue;
			}
			samples++;
			threads.merge(threadName.replaceAll("[-#]?\\d+$", "-N"), 1, Integer::sum);
			RecordedStackTrace stack = event.getStackTrace();
			if (stack == null || stack.getFrames().isEmpty()) {
				continue;
			}
			List<RecordedFrame> frames = stack.getFrames();
			self.merge(name(frames.get(0)), 1, Integer::sum);
			Set<String> seen = new HashSet<>();
			for (RecordedFrame frame : frames) {
				String name = name(frame);
				if (seen.add(name)) {
					total.merge(name, 1, Integer::sum);
				}
			}
		}
		System.out.println("# " + file + ": " + samples + " CPU samples"
				+ ((threadPrefix != null) ? " on threads '" + threadPrefix + "*'" : ""));
		printTop("threads", threads, samples, top);
		printTop("self", self, samples, top);
		printTop("total", total, samples, top);
	}

	private static String name(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

	private static void printTop(String title, Map<String, Integer> counts, int samples, int top) {
		System.out.println("## " + title);
		counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.limit(top)
			.forEach((entry) -> System.out.printf("%6.1f%%  %s%n", 100.0 * entry.getValue() / Math.max(1, samples),
					entry.getKey()));
	}

}
