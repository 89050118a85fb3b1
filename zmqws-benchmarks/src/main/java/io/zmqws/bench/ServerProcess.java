package io.zmqws.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.zmqws.bench.server.ServerStats;

/**
 * A benchmark server in its own JVM, pinned with {@code taskset} to the server CPUs, with
 * its output in a log file. Started by the driver, stopped by the driver (by its own pid).
 */
final class ServerProcess implements AutoCloseable {

	private final String kind;

	private final Process process;

	private final CompletableFuture<String> ready = new CompletableFuture<>();

	private final Path log;

	private ServerProcess(String kind, Process process, Path log) {
		this.kind = kind;
		this.process = process;
		this.log = log;
		Thread reader = new Thread(this::pump, "log-" + kind);
		reader.setDaemon(true);
		reader.start();
	}

	static ServerProcess start(String kind, String cpus, List<String> jvmArgs, List<String> args, Path logDir)
			throws IOException {
		return start(kind, kind, cpus, jvmArgs, args, logDir);
	}

	/** Starts server {@code kind}, called {@code label} in the log and its log file's name. */
	static ServerProcess start(String kind, String label, String cpus, List<String> jvmArgs, List<String> args,
			Path logDir) throws IOException {
		List<String> command = new ArrayList<>();
		if (cpus != null && Affinity.available()) {
			command.addAll(List.of("taskset", "-c", cpus));
		}
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmArgs);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(Bench.class.getName());
		command.add("server");
		command.add(kind);
		command.addAll(args);
		Files.createDirectories(logDir);
		Path log = logDir.resolve(label + ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		return new ServerProcess(label, process, log);
	}

	/** Waits for the server's ready line; fails if it exits first. */
	ServerProcess awaitReady(long seconds) {
		try {
			String line = this.ready.get(seconds, TimeUnit.SECONDS);
			Bench.log("  " + this.kind + " ready (pid " + pid() + "): " + line);
			return this;
		}
		catch (Exception ex) {
			close();
			throw new IllegalStateException(this.kind + " did not start; see " + this.log, ex);
		}
	}

	long pid() {
		return this.process.pid();
	}

	String kind() {
		return this.kind;
	}

	private void pump() {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
				PrintWriter out = new PrintWriter(Files.newBufferedWriter(this.log, StandardCharsets.UTF_8), true)) {
			String line;
			while ((line = in.readLine()) != null) {
				out.println(line);
				if (line.startsWith(ServerStats.READY)) {
					this.ready.complete(line);
				}
			}
		}
		catch (IOException ex) {
			// process gone
		}
		this.ready.completeExceptionally(new IllegalStateException(this.kind + " exited"));
	}

	@Override
	public void close() {
		if (!this.process.isAlive()) {
			return;
		}
		this.process.destroy();
		try {
			if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
