package io.zmqws.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of a process's threads from {@code /proc/<pid>/task/*}, grouped by thread name
 * without its number ({@code reactor-http-epoll-3} counts as {@code reactor-http-epoll}):
 * which threads a measurement window's server CPU went to.
 */
final class ThreadCpu {

	private ThreadCpu() {
	}

	/** Clock ticks (utime + stime) per thread group; empty when unknown. */
	static Map<String, Long> snapshot(long pid) {
		Map<String, Long> ticks = new TreeMap<>();
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
			for (Path task : tasks) {
				try {
					String name = Files.readString(task.resolve("comm")).trim().replaceAll("[-#]?\\d+$", "");
					String stat = Files.readString(task.resolve("stat"));
					String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
					ticks.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
				}
				catch (IOException | RuntimeException ex) {
					// thread gone meanwhile
				}
			}
		}
		catch (IOException ex) {
			// process gone
		}
		return ticks;
	}

	/**
	 * The groups that used CPU between two snapshots, busiest first, as percent of one core:
	 * {@code iothread 38%, zmqws-req-echo 9%, ...}.
	 */
	static String difference(Map<String, Long> before, Map<String, Long> after, double seconds) {
		List<Map.Entry<String, Long>> used = new ArrayList<>();
		after.forEach((name, ticks) -> {
			long delta = ticks - before.getOrDefault(name, 0L);
			if (delta > 0) {
				used.add(Map.entry(name, delta));
			}
		});
		used.sort(Map.Entry.<String, Long>comparingByValue().reversed());
		List<String> parts = new ArrayList<>();
		for (Map.Entry<String, Long> entry : used) {
			parts.add(String.format(Locale.ROOT, "%s %.0f%%", entry.getKey(), entry.getValue() / seconds));
		}
		return String.join(", ", parts);
	}

}
