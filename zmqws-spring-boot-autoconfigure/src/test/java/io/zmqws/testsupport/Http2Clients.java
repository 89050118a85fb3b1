package io.zmqws.testsupport;

import java.net.URI;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

/**
 * Real clients for HTTP/2 and HTTP/1.1 tests, trusting {@link TestCertificate}: Reactor
 * Netty (whose WebSocket over an HTTP/2 connection is RFC 8441), the JDK's
 * {@code HttpClient}, curl, h2load and nghttp.
 */
public final class Http2Clients {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final Pattern H2LOAD_REQUESTS = Pattern
		.compile("requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored");

	private Http2Clients() {
	}

	/** Reactor Netty over TLS that offers only h2 (so a WebSocket is an extended CONNECT). */
	public static HttpClient reactorH2() {
		return HttpClient.create()
			.protocol(HttpProtocol.H2)
			.secure((tls) -> tls.sslContext(Http2SslContextSpec.forClient()
				.configure((builder) -> builder.trustManager(TestCertificate.trustManagers()))));
	}

	/** Reactor Netty over TLS that offers only HTTP/1.1. */
	public static HttpClient reactorHttp11Tls() {
		return HttpClient.create()
			.secure((tls) -> tls.sslContext(Http11SslContextSpec.forClient()
				.configure((builder) -> builder.trustManager(TestCertificate.trustManagers()))));
	}

	/** Reactor Netty speaking h2c with prior knowledge. */
	public static HttpClient reactorH2c() {
		return HttpClient.create().protocol(HttpProtocol.H2C);
	}

	/**
	 * GETs {@code uri} with the JDK's client asking for {@code version}, trusting the test
	 * certificate; over {@code http} the JDK asks for HTTP/2 with {@code Upgrade: h2c}.
	 */
	public static HttpResponse<String> jdkGet(URI uri, Version version) {
		java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
			.version(version)
			.sslContext(TestCertificate.trustingContext())
			.connectTimeout(TIMEOUT)
			.build();
		try {
			return client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/**
	 * Runs curl with {@code options} on {@code url} (not verifying certificates) and
	 * returns the HTTP version it reports, {@code "1.1"} or {@code "2"}, followed by a space
	 * and the status.
	 */
	public static String curl(String url, String... options) {
		RequiredTools.curl();
		List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--insecure",
				"--max-time", "30", "--output", "/dev/null", "--write-out", "%{http_version} %{http_code}"));
		command.addAll(List.of(options));
		command.add(url);
		Command.Result result = Command.run(TIMEOUT, command.toArray(String[]::new));
		if (result.exitCode() != 0) {
			throw new AssertionError("curl exited with " + result.exitCode() + ": " + result.output());
		}
		return result.output().strip();
	}

	/**
	 * Runs h2load with {@code requests} requests over {@code clients} connections and
	 * returns its report; asserts nothing.
	 */
	public static H2load h2load(String url, int requests, int clients) {
		RequiredTools.nghttp2Client();
		Command.Result result = Command.run(TIMEOUT, "h2load", "-n", String.valueOf(requests), "-c",
				String.valueOf(clients), url);
		return new H2load(result.exitCode(), result.output());
	}

	/**
	 * Connects with nghttp and returns the first SETTINGS frame the server sent, as
	 * {@code nghttp -nv} prints it: one {@code [SETTINGS_...(0x..):value]} line per
	 * setting.
	 */
	public static String serverSettings(String url) {
		RequiredTools.nghttp2Client();
		Command.Result result = Command.run(TIMEOUT, "nghttp", "-nv", url);
		if (result.exitCode() != 0) {
			throw new AssertionError("nghttp exited with " + result.exitCode() + ": " + result.output());
		}
		String frames = result.output();
		int start = frames.indexOf("recv SETTINGS frame");
		if (start < 0) {
			throw new AssertionError("No SETTINGS frame from the server in: " + frames);
		}
		int end = frames.indexOf("\n[", start);
		return (end < 0) ? frames.substring(start) : frames.substring(start, end);
	}

	/**
	 * What h2load reported.
	 * @param exitCode its exit code
	 * @param output its report
	 */
	public record H2load(int exitCode, String output) {

		/** The protocol ALPN or prior knowledge chose, from "Application protocol: ...". */
		public String applicationProtocol() {
			Matcher matcher = Pattern.compile("Application protocol: (\\S+)").matcher(this.output);
			return matcher.find() ? matcher.group(1) : null;
		}

		/** How many requests succeeded (2xx or 3xx). */
		public long succeeded() {
			return requestsField(4);
		}

		/** How many requests failed or errored. */
		public long failedOrErrored() {
			return requestsField(5) + requestsField(6);
		}

		private long requestsField(int group) {
			Matcher matcher = H2LOAD_REQUESTS.matcher(this.output);
			if (!matcher.find()) {
				throw new AssertionError("No requests line in h2load's report: " + this.output);
			}
			return Long.parseLong(matcher.group(group));
		}

	}

}
