package io.zmqws.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;

/**
 * Guards tests that need a tool from outside the JVM, such as a Python interpreter with
 * pyzmq, a browser or a load generator.
 * <p>
 * When the tool is missing the calling test is skipped (aborted), so that a developer
 * without it can still build; when the environment variable {@value #REQUIRE_TOOLS_ENV}
 * is {@code true}, as on CI, it fails instead, naming the tool and how to install it,
 * so that CI never passes by silently skipping. Each tool is probed once per JVM and the
 * result is cached.
 * <p>
 * Check before anything is started. In a Spring test the application context loads
 * before {@code @BeforeEach}, and aborting in {@code @BeforeAll} makes Surefire report
 * no tests at all for the class, so register an extension such as {@link Python3Zmq}
 * instead: it checks before each test instance is created, so each test is reported
 * skipped (or failed) and the context is never loaded. Another tool gets its own
 * method like {@link #python3Zmq()} and, if needed, its own extension.
 */
public final class RequiredTools {

	/** The environment variable that turns a missing tool into a failure. */
	public static final String REQUIRE_TOOLS_ENV = "ZMQWS_REQUIRE_TOOLS";

	/** Debian's interpreter, which sees Debian's Python modules such as python3-zmq. */
	public static final String PYTHON3 = "/usr/bin/python3";

	private static final String PYTHON3_ZMQ = "python3-zmq";

	private static final long PROBE_TIMEOUT_SECONDS = 30;

	private static final Map<String, Probe> probes = new ConcurrentHashMap<>();

	private RequiredTools() {
	}

	/**
	 * Requires {@value #PYTHON3} with the {@code zmq} module (libzmq through pyzmq).
	 */
	public static void python3Zmq() {
		require(PYTHON3_ZMQ, RequiredTools::probePython3Zmq,
				"install it with 'apt-get install -y python3-zmq' (tests run it with " + PYTHON3 + ")");
	}

	/** Whether {@value #PYTHON3} can import {@code zmq}; never skips or fails. */
	public static boolean isPython3ZmqAvailable() {
		return probe(PYTHON3_ZMQ, RequiredTools::probePython3Zmq).available();
	}

	private static Probe probePython3Zmq() {
		return run(PYTHON3, "-c", "import zmq");
	}

	/** Requires curl built with HTTP/2 (Debian's is). */
	public static void curl() {
		require("curl", () -> run("/bin/sh", "-c", "curl --version | grep -q HTTP2"),
				"install it with 'apt-get install -y curl' (tests need its HTTP2 feature)");
	}

	/** Requires nghttp2's clients: {@code h2load} (load generator) and {@code nghttp}. */
	public static void nghttp2Client() {
		require("nghttp2-client", () -> run("/bin/sh", "-c", "h2load --version && nghttp --version"),
				"install it with 'apt-get install -y nghttp2-client'");
	}

	/**
	 * Requires a tool whose availability is already known.
	 * @param tool the tool's name, as a package or command
	 * @param available whether it is available
	 * @param hint how to install it
	 */
	public static void require(String tool, boolean available, String hint) {
		require(tool, new Probe(available, available ? "" : "not available"), hint);
	}

	/**
	 * Requires a tool, probing for it on first use and caching the outcome under its
	 * name.
	 * @param tool the tool's name, as a package or command
	 * @param probe checks the tool, typically with {@link #run(String...)}
	 * @param hint how to install it
	 */
	public static void require(String tool, Supplier<Probe> probe, String hint) {
		require(tool, probe(tool, probe), hint);
	}

	private static Probe probe(String tool, Supplier<Probe> probe) {
		return probes.computeIfAbsent(tool, (name) -> probe.get());
	}

	private static void require(String tool, Probe probe, String hint) {
		if (probe.available()) {
			return;
		}
		String problem = "Required tool '" + tool + "' is missing (" + probe.detail() + "); " + hint;
		if ("true".equalsIgnoreCase(System.getenv(REQUIRE_TOOLS_ENV))) {
			Assertions.fail(problem + ". Failing because " + REQUIRE_TOOLS_ENV + "=true.");
		}
		Assumptions.abort(problem + ". Skipping; set " + REQUIRE_TOOLS_ENV + "=true to fail instead.");
	}

	/**
	 * Runs a command and reports it available when it exits with 0 within
	 * {@value #PROBE_TIMEOUT_SECONDS} seconds; otherwise the detail says why not.
	 */
	public static Probe run(String... command) {
		String shown = String.join(" ", command);
		Path output;
		try {
			output = Files.createTempFile("zmqws-probe", ".txt");
		}
		catch (IOException ex) {
			return new Probe(false, "cannot create a file for the output of '" + shown + "': " + ex.getMessage());
		}
		Process process = null;
		try {
			process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			process.getOutputStream().close();
			if (!process.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				return new Probe(false, "'" + shown + "' did not finish within " + PROBE_TIMEOUT_SECONDS + " s");
			}
			if (process.exitValue() != 0) {
				List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
				String last = lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1).strip();
				return new Probe(false, "'" + shown + "' exited with " + process.exitValue() + last);
			}
			return new Probe(true, "");
		}
		catch (IOException ex) {
			return new Probe(false, "'" + shown + "' cannot run: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return new Probe(false, "interrupted while running '" + shown + "'");
		}
		finally {
			if (process != null) {
				process.destroyForcibly();
			}
			try {
				Files.deleteIfExists(output);
			}
			catch (IOException ex) {
				// a leftover temporary file is harmless
			}
		}
	}

	/**
	 * Requires python3-zmq before each test instance is created, so before a Spring
	 * test's application context loads: register it with
	 * {@code @ExtendWith(RequiredTools.Python3Zmq.class)}.
	 */
	public static final class Python3Zmq implements TestInstancePreConstructCallback {

		@Override
		public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
			python3Zmq();
		}

	}

	/**
	 * The outcome of probing for a tool.
	 * @param available whether the tool can be used
	 * @param detail why not, when it cannot
	 */
	public record Probe(boolean available, String detail) {
	}

}
