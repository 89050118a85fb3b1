package io.zmqws.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external program, such as curl or h2load, to completion and keeps what it
 * printed.
 */
public final class Command {

	private Command() {
	}

	/**
	 * Runs {@code command} with no input; fails if it does not finish within
	 * {@code timeout}.
	 */
	public static Result run(Duration timeout, String... command) {
		Path output = null;
		Process process = null;
		try {
			output = Files.createTempFile("zmqws-command", ".txt");
			process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
			process.getOutputStream().close();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new AssertionError("'" + String.join(" ", command) + "' did not finish within " + timeout
						+ "; it printed: " + Files.readString(output, StandardCharsets.UTF_8));
			}
			return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
		finally {
			if (process != null) {
				process.destroyForcibly();
			}
			if (output != null) {
				output.toFile().delete();
			}
		}
	}

	/**
	 * What a finished program left.
	 * @param exitCode its exit code
	 * @param output what it printed, standard output and error together
	 */
	public record Result(int exitCode, String output) {
	}

}
