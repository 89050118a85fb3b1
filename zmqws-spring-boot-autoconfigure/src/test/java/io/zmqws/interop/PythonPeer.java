package io.zmqws.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.zmqws.testsupport.RequiredTools;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A libzmq peer: one of the Python scripts in {@code src/test/resources/interop}, run
 * with {@link RequiredTools#PYTHON3}.
 * <p>
 * {@link #start} returns once the script printed {@code READY} (its socket is bound).
 * The JSON lines it prints are kept as {@link #events() events} and its stderr is kept
 * for failure messages. {@link #close()} closes its stdin, on which the script ends by
 * itself, and destroys it if it does not.
 */
final class PythonPeer implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	private final String name;

	private final Process process;

	private final Thread stdoutReader;

	private final Thread stderrReader;

	private final List<JsonNode> events = new ArrayList<>();

	private final StringBuilder stderr = new StringBuilder();

	private boolean ready;

	private boolean stdoutClosed;

	private PythonPeer(String name, Process process) {
		this.name = name;
		this.process = process;
		this.stdoutReader = new Thread(() -> readStdout(process.getInputStream()), "python-peer-" + name + "-out");
		this.stderrReader = new Thread(() -> readStderr(process.getErrorStream()), "python-peer-" + name + "-err");
		this.stdoutReader.setDaemon(true);
		this.stderrReader.setDaemon(true);
		this.stdoutReader.start();
		this.stderrReader.start();
	}

	/**
	 * Starts {@code interop/<script>} with the given arguments and waits for its
	 * {@code READY} line.
	 * @throws AssertionError when it ends or does not become ready in time, with its
	 * stderr
	 */
	static PythonPeer start(String script, String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(RequiredTools.PYTHON3);
		command.add("-u");
		command.add(script(script).toString());
		command.addAll(List.of(arguments));
		Process process;
		try {
			process = new ProcessBuilder(command).start();
		}
		catch (IOException ex) {
			throw new AssertionError("Cannot start " + command, ex);
		}
		PythonPeer peer = new PythonPeer(script, process);
		try {
			peer.awaitReady();
		}
		catch (AssertionError ex) {
			peer.close();
			throw ex;
		}
		return peer;
	}

	private static Path script(String script) {
		URL url = PythonPeer.class.getClassLoader().getResource("interop/" + script);
		if (url == null || !"file".equals(url.getProtocol())) {
			throw new AssertionError("Script interop/" + script + " is not a file on the test class path: " + url);
		}
		try {
			return Path.of(url.toURI());
		}
		catch (URISyntaxException ex) {
			throw new AssertionError(ex);
		}
	}

	private void awaitReady() {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		synchronized (this) {
			while (!this.ready && !this.stdoutClosed) {
				if (!waitUntil(deadline)) {
					throw new AssertionError(describe("was not ready within " + START_TIMEOUT));
				}
			}
			if (this.ready) {
				return;
			}
		}
		throw new AssertionError(describeEnded("ended before it was ready"));
	}

	/** Every JSON line printed so far. */
	synchronized List<JsonNode> events() {
		return List.copyOf(this.events);
	}

	/** Waits for the first event matching {@code condition}. */
	JsonNode awaitEvent(Predicate<JsonNode> condition, Duration timeout) {
		return awaitEvents(condition, 1, timeout).get(0);
	}

	/** Waits until {@code count} events match, and returns them in order. */
	List<JsonNode> awaitEvents(Predicate<JsonNode> condition, int count, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		int matched;
		synchronized (this) {
			while (true) {
				List<JsonNode> matching = this.events.stream().filter(condition).toList();
				matched = matching.size();
				if (matched >= count) {
					return matching;
				}
				if (this.stdoutClosed) {
					break;
				}
				if (!waitUntil(deadline)) {
					throw new AssertionError(
							describe("reported " + matched + " of " + count + " matching events within " + timeout));
				}
			}
		}
		throw new AssertionError(describeEnded("ended with " + matched + " of " + count + " matching events"));
	}

	/** Waits on this monitor until notified or the deadline; {@code false} once it passed. */
	private boolean waitUntil(long deadline) {
		long left = deadline - System.nanoTime();
		if (left <= 0) {
			return false;
		}
		try {
			TimeUnit.NANOSECONDS.timedWait(this, left);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/** Like {@link #describe(String)} once the process has ended and its stderr is read. */
	private String describeEnded(String problem) {
		try {
			this.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			this.stderrReader.join(STOP_TIMEOUT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return describe(problem);
	}

	/** The peer's name, state and stderr, for failure messages. */
	synchronized String describe(String problem) {
		String state = this.process.isAlive() ? "running" : "exited with " + this.process.exitValue();
		return "Python peer " + this.name + " " + problem + " (" + state + "); stderr:\n" + this.stderr;
	}

	private void readStdout(InputStream stream) {
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				onLine(line);
			}
		}
		catch (IOException ex) {
			// the process is gone
		}
		finally {
			synchronized (this) {
				this.stdoutClosed = true;
				notifyAll();
			}
		}
	}

	private synchronized void onLine(String line) {
		if (line.equals("READY")) {
			this.ready = true;
		}
		else if (line.startsWith("{")) {
			this.events.add(JSON.readTree(line));
		}
		else {
			this.stderr.append("[stdout] ").append(line).append('\n');
		}
		notifyAll();
	}

	private void readStderr(InputStream stream) {
		try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				synchronized (this) {
					this.stderr.append(line).append('\n');
				}
			}
		}
		catch (IOException ex) {
			// the process is gone
		}
	}

	/**
	 * Stops the peer: closes its stdin and waits for it to end, destroying it if it does
	 * not, then waits for its output to be read.
	 * @return {@code null} when the script ended by itself with exit code 0, otherwise
	 * what went wrong
	 */
	String stop() {
		String problem = null;
		try {
			try {
				this.process.getOutputStream().close();
			}
			catch (IOException ex) {
				// already gone
			}
			if (!this.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				problem = "did not end within " + STOP_TIMEOUT + " of its stdin closing and was destroyed";
				this.process.destroy();
				if (!this.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
					this.process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
				}
			}
			else if (this.process.exitValue() != 0) {
				problem = "exited with " + this.process.exitValue();
			}
			this.stdoutReader.join(STOP_TIMEOUT.toMillis());
			this.stderrReader.join(STOP_TIMEOUT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
			problem = "was destroyed when interrupted";
		}
		return (problem != null) ? describe(problem) : null;
	}

	@Override
	public void close() {
		stop();
	}

}
