package io.zmqws.sample.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Debian's headless Chromium driven through its ChromeDriver, both given by path so that
 * Selenium Manager never looks for (or downloads) a browser or a driver.
 * <p>
 * Tests check for the two programs with {@link Required} before anything starts: when
 * one is missing they are skipped, or fail when {@code ZMQWS_REQUIRE_TOOLS=true} (as on
 * CI, whose {@code .ci/run} installs the packages {@code chromium} and
 * {@code chromium-driver}).
 */
final class Chromium implements AutoCloseable {

	static final String BROWSER = "/usr/bin/chromium";

	static final String DRIVER = "/usr/bin/chromedriver";

	static final Duration WAIT = Duration.ofSeconds(30);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static volatile String problem;

	private final Path profile;

	private final ChromeDriver driver;

	private Chromium(Path profile, ChromeDriver driver) {
		this.profile = profile;
		this.driver = driver;
	}

	/** Starts a headless browser with a new, empty profile. */
	static Chromium start() {
		return start(false);
	}

	/**
	 * Starts a headless browser that accepts any certificate (such as the {@code tls}
	 * profile's self-signed one) and logs network events, for
	 * {@link #webSocketHandshakeStatuses()}.
	 */
	static Chromium startForHttps() {
		return start(true);
	}

	private static Chromium start(boolean https) {
		Path profile;
		try {
			profile = Files.createTempDirectory("zmqws-chromium");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(BROWSER);
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--window-size=1280,1200", "--user-data-dir=" + profile);
		if (https) {
			options.addArguments("--ignore-certificate-errors");
			LoggingPreferences logs = new LoggingPreferences();
			logs.enable(LogType.PERFORMANCE, Level.ALL);
			options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
		}
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
			.usingAnyFreePort()
			.build();
		try {
			ChromeDriver driver = new ChromeDriver(service, options);
			driver.manage().timeouts().scriptTimeout(WAIT);
			return new Chromium(profile, driver);
		}
		catch (RuntimeException ex) {
			delete(profile);
			throw ex;
		}
	}

	WebDriver driver() {
		return this.driver;
	}

	/**
	 * Signs in on the sample's login form as a demo user (alice may trade, bob may not).
	 * A sign-in that does not complete is tried once more, as a person would, after
	 * printing where the browser was left (a login in the restart test once timed out in
	 * CI and could not be reproduced).
	 */
	void login(String base, String user) {
		try {
			submitLogin(base, user);
		}
		catch (TimeoutException ex) {
			String page = this.driver.getPageSource();
			System.err.println("Signing in as " + user + " did not complete; the browser is at "
					+ this.driver.getCurrentUrl() + " showing: "
					+ ((page != null) ? page.substring(0, Math.min(page.length(), 2000)) : "nothing"));
			submitLogin(base, user);
		}
	}

	private void submitLogin(String base, String user) {
		this.driver.get(base + "/login");
		this.driver.findElement(By.id("username")).sendKeys(user);
		this.driver.findElement(By.id("password")).sendKeys(user);
		this.driver.findElement(By.cssSelector("button[type=submit]")).click();
		await("the login to complete", (browser) -> !browser.getCurrentUrl().contains("/login"));
	}

	/** Signs in and opens {@code path}. */
	void open(String base, String user, String path) {
		login(base, user);
		this.driver.get(base + path);
	}

	/**
	 * Signs in again in a second tab, as a person would after the server restarted and
	 * forgot the session; the first tab's page then reconnects with the new cookie.
	 */
	void loginInNewTab(String base, String user) {
		String page = this.driver.getWindowHandle();
		this.driver.switchTo().newWindow(WindowType.TAB);
		login(base, user);
		this.driver.close();
		this.driver.switchTo().window(page);
	}

	/** Waits up to {@link #WAIT} for {@code condition} to give a value other than null or false. */
	<T> T await(String description, Function<WebDriver, T> condition) {
		return new WebDriverWait(this.driver, WAIT, Duration.ofMillis(50)).withMessage(description).until(condition);
	}

	/**
	 * Runs {@code body} as an async function in the page and returns what it returns (JSON
	 * values become maps, lists, strings, numbers and booleans).
	 */
	Object evaluate(String body, Object... args) {
		String script = "const done = arguments[arguments.length - 1];"
				+ "(async (...args) => {" + body + "})(...Array.prototype.slice.call(arguments, 0, -1))"
				+ ".then((value) => done({ value }), (error) => done({ error: String(error && error.stack || error) }));";
		Object outcome = this.driver.executeAsyncScript(script, args);
		if (!(outcome instanceof Map<?, ?> result)) {
			throw new AssertionError("The script returned " + outcome);
		}
		if (result.containsKey("error")) {
			throw new AssertionError("The script failed in the browser: " + result.get("error"));
		}
		return result.get("value");
	}

	/**
	 * The HTTP status of each WebSocket handshake the browser completed since the last
	 * call, from its network log: 101 (Switching Protocols) for a WebSocket over
	 * HTTP/1.1, 200 for one over an HTTP/2 stream (RFC 8441). Needs
	 * {@link #startForHttps()}.
	 */
	List<Integer> webSocketHandshakeStatuses() {
		List<Integer> statuses = new ArrayList<>();
		for (LogEntry entry : this.driver.manage().logs().get(LogType.PERFORMANCE)) {
			JsonNode message = JSON.readTree(entry.getMessage()).path("message");
			if ("Network.webSocketHandshakeResponseReceived".equals(message.path("method").asString())) {
				statuses.add(message.path("params").path("response").path("status").asInt());
			}
		}
		return statuses;
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			delete(this.profile);
		}
	}

	private static void delete(Path directory) {
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			// a leftover temporary profile is harmless
		}
	}

	/** Skips (or, with {@code ZMQWS_REQUIRE_TOOLS=true}, fails) when Chromium cannot run. */
	static void require() {
		String missing = problem();
		if (missing == null) {
			return;
		}
		String message = missing + "; install them with 'apt-get install -y chromium chromium-driver'";
		if ("true".equalsIgnoreCase(System.getenv("ZMQWS_REQUIRE_TOOLS"))) {
			Assertions.fail(message + ". Failing because ZMQWS_REQUIRE_TOOLS=true.");
		}
		Assumptions.abort(message + ". Skipping; set ZMQWS_REQUIRE_TOOLS=true to fail instead.");
	}

	private static synchronized String problem() {
		if (problem == null) {
			problem = probe();
		}
		return problem.isEmpty() ? null : problem;
	}

	private static String probe() {
		for (String program : new String[] { BROWSER, DRIVER }) {
			if (!Files.isExecutable(Path.of(program))) {
				return "Required tool '" + program + "' is missing";
			}
		}
		try {
			Process process = new ProcessBuilder(DRIVER, "--version").redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				return "Required tool '" + DRIVER + " --version' did not run";
			}
		}
		catch (IOException ex) {
			return "Required tool '" + DRIVER + "' cannot run: " + ex.getMessage();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "Interrupted while probing " + DRIVER;
		}
		return "";
	}

	/**
	 * Checks for Chromium before each test instance is created, so before a Spring test's
	 * application context loads: register it with
	 * {@code @ExtendWith(Chromium.Required.class)}.
	 */
	static final class Required implements TestInstancePreConstructCallback {

		@Override
		public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
			require();
		}

	}

}
