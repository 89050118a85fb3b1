package io.zmqws.sample.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.zmqws.sample.FreePorts;
import io.zmqws.sample.rpc.CalculatorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample page in headless Chromium, driven as a person would: clicks and typing, and
 * assertions on what the page shows. The page uses the client served at
 * {@code /zmqws/client.js}; the backends are the sample's embedded demo services.
 */
@ExtendWith(Chromium.Required.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class SamplePageBrowserTests {

	private static final int ECHO_PORT = FreePorts.next();

	private static final int TICKER_PORT = FreePorts.next();

	private static final int SINK_PORT = FreePorts.next();

	/** Where the screenshot shown in the README goes, relative to this module. */
	private static final Path SCREENSHOT = Path.of("..", "docs", "sample-app.png");

	private static Chromium browser;

	@LocalServerPort
	int port;

	@Autowired
	CalculatorService calculator;

	@DynamicPropertySource
	static void demoPorts(DynamicPropertyRegistry registry) {
		registry.add("demo.echo-port", () -> ECHO_PORT);
		registry.add("demo.ticker-port", () -> TICKER_PORT);
		registry.add("demo.sink-port", () -> SINK_PORT);
	}

	@BeforeEach
	void openPage() {
		if (browser == null) {
			browser = Chromium.start();
		}
		browser.open("http://127.0.0.1:" + this.port, "alice", "/");
		browser.await("the connection to open", (driver) -> "open".equals(attribute("state", "data-state")));
	}

	@AfterAll
	static void closeBrowser() {
		if (browser != null) {
			browser.close();
			browser = null;
		}
	}

	@Test
	void pageShowsConnectionStateSessionAndTheSignedInUser() {
		assertThat(text("state")).isEqualTo("open");
		assertThat(text("session")).matches("[0-9a-f-]{36}");
		assertThat(text("user")).isEqualTo("alice");
		assertThat(text("client-version")).isEqualTo("0.1.0");
	}

	@Test
	void echoRequestShowsTheReplyFrames() {
		type("echo-text", "Grüße, ZeroMQ");
		submitUntilOk("echo-form", "echo-result");
		assertThat(text("echo-result")).isEqualTo("echo | Grüße, ZeroMQ");
	}

	@Test
	void tickerSubscriptionShowsLivePricesAndUnsubscribeStopsThem() {
		browser.await("Subscribed", (driver) -> text("ticker-state").equals("Subscribed"));
		browser.await("three pairs with several updates each", (driver) -> {
			Map<String, Integer> counts = updateCounts();
			return counts.size() == 3 && counts.values().stream().allMatch((count) -> count >= 2);
		});
		assertThat(updateCounts()).containsOnlyKeys("BTCUSD", "EURUSD", "GBPUSD");
		click("ticker-toggle");
		assertThat(text("ticker-state")).isEqualTo("Not subscribed");
		Map<String, Integer> atUnsubscribe = updateCounts();
		// the clock's events keep coming, so time passes on the page while the prices stand still
		int tick = clockTick();
		browser.await("two more clock ticks", (driver) -> clockTick() >= tick + 2);
		assertThat(updateCounts()).isEqualTo(atUnsubscribe);
		click("ticker-toggle");
		browser.await("prices again after subscribing again", (driver) -> updateCounts().get("EURUSD") > atUnsubscribe
			.get("EURUSD"));
		assertThat(text("ticker-state")).isEqualTo("Subscribed");
	}

	@Test
	void calculatorAddsDividesAndShowsTheMethodsOwnErrorCode() {
		type("calc-a", "6");
		type("calc-b", "3");
		click("calc-add");
		browser.await("the sum", (driver) -> text("calc-result").equals("6 + 3 = 9"));
		click("calc-divide");
		browser.await("the quotient", (driver) -> text("calc-result").equals("6 ÷ 3 = 2"));
		type("calc-b", "0");
		click("calc-divide");
		browser.await("an error", (driver) -> "error".equals(attribute("calc-result", "data-outcome")));
		assertThat(codeShownIn("calc-result")).isEqualTo("division_by_zero");
		assertThat(text("calc-result")).isEqualTo("division_by_zero Cannot divide 6 by zero");
	}

	@Test
	void countdownStreamsEveryItemUntilDone() {
		type("countdown-from", "3");
		click("countdown-start");
		browser.await("the countdown to finish", (driver) -> text("countdown-state").equals("done"));
		assertThat(items("countdown-items")).containsExactly("3", "2", "1", "0");
		assertThat(driver().findElement(By.id("countdown-cancel")).isEnabled()).isFalse();
	}

	@Test
	void cancellingTheCountdownStopsItOnTheServer() {
		int cancelledBefore = this.calculator.cancelledCountdowns();
		type("countdown-from", "100");
		click("countdown-start");
		browser.await("two items", (driver) -> items("countdown-items").size() >= 2);
		click("countdown-cancel");
		browser.await("cancelled", (driver) -> text("countdown-state").startsWith("cancelled after "));
		browser.await("the server to see the cancel",
				(driver) -> this.calculator.cancelledCountdowns() > cancelledBefore);
		List<String> shown = items("countdown-items");
		assertThat(shown).startsWith("100", "99");
		int tick = clockTick();
		browser.await("two more clock ticks", (driver) -> clockTick() >= tick + 2);
		assertThat(items("countdown-items")).isEqualTo(shown);
	}

	@Test
	void serverCallsTheFunctionThePageRegisteredAndGetsItsAnswer() {
		click("notify-me");
		browser.await("the answer", (driver) -> "ok".equals(attribute("notify-result", "data-outcome")));
		assertThat(text("notify-result")).isEqualTo("The browser answered the server: shown as notification #1");
		assertThat(items("notifications")).singleElement().asString().endsWith("Hello from the server");
	}

	@Test
	void serverTimeArrivesOnThePathSubscription() {
		int first = browser.await("a clock event", (driver) -> (clockTick() > 0) ? clockTick() : null);
		browser.await("a later clock event", (driver) -> clockTick() > first);
		assertThat(text("clock")).matches("\\d{1,2}:\\d{2}:\\d{2}.*");
	}

	@Test
	void pushedMessageComesBackOnThePushedTopic() {
		type("push-text", "note from the browser");
		browser.await("the pushed note back on pushed.", (driver) -> {
			if (!"pending".equals(attribute("push-result", "data-outcome"))) {
				click("push-form", "button");
			}
			return items("push-log").contains("note from the browser");
		});
	}

	@Test
	void traderPlacesAnOrder() {
		assertThat(attribute("user", "data-user")).isEqualTo("alice");
		click("place-order");
		browser.await("the order", (driver) -> "ok".equals(attribute("access-result", "data-outcome")));
		assertThat(text("access-result")).contains("alice bought 1000 EURUSD");
	}

	@Test
	void deniedActionShowsItsErrorCode() {
		browser.open("http://127.0.0.1:" + this.port, "bob", "/");
		browser.await("the connection to open", (driver) -> "open".equals(attribute("state", "data-state")));
		assertThat(attribute("user", "data-user")).isEqualTo("bob");
		click("place-order");
		browser.await("a refusal", (driver) -> "error".equals(attribute("access-result", "data-outcome")));
		assertThat(codeShownIn("access-result")).isEqualTo("forbidden");
		assertThat(attribute("access-result", "data-code")).isEqualTo(codeShownIn("access-result"));
		assertThat(driver().findElement(By.cssSelector("#access-result .error-code")).getCssValue("background-color"))
			.isEqualTo("rgba(179, 38, 30, 1)");
	}

	@Test
	void screenshotOfThePageInUseGoesToTheDocs() throws Exception {
		submitUntilOk("echo-form", "echo-result");
		click("calc-add");
		browser.await("the sum", (driver) -> text("calc-result").equals("6 + 3 = 9"));
		type("countdown-from", "5");
		click("countdown-start");
		click("notify-me");
		click("place-order");
		browser.await("the page in use", (driver) -> text("countdown-state").equals("done")
				&& "ok".equals(attribute("notify-result", "data-outcome"))
				&& "ok".equals(attribute("access-result", "data-outcome")) && updateCounts().size() == 3
				&& clockTick() > 0);
		byte[] png = ((TakesScreenshot) driver()).getScreenshotAs(OutputType.BYTES);
		assertThat(png).startsWith(0x89, 'P', 'N', 'G');
		if (Files.isDirectory(SCREENSHOT.getParent()) && Files.exists(SCREENSHOT.getParent().resolve("protocol.md"))) {
			Files.write(SCREENSHOT, png);
			assertThat(Files.readAllBytes(SCREENSHOT)).isEqualTo(png);
		}
	}

	private static WebDriver driver() {
		return browser.driver();
	}

	private static String text(String id) {
		return driver().findElement(By.id(id)).getText();
	}

	private static String attribute(String id, String name) {
		return driver().findElement(By.id(id)).getDomAttribute(name);
	}

	private static void click(String id) {
		driver().findElement(By.id(id)).click();
	}

	private static void click(String id, String tag) {
		driver().findElement(By.id(id)).findElement(By.tagName(tag)).click();
	}

	private static void type(String id, String value) {
		WebElement input = driver().findElement(By.id(id));
		input.clear();
		input.sendKeys(value);
	}

	private static List<String> items(String id) {
		return driver().findElement(By.id(id)).findElements(By.tagName("li")).stream().map(WebElement::getText).toList();
	}

	private static String codeShownIn(String id) {
		return driver().findElement(By.cssSelector("#" + id + " .error-code")).getText();
	}

	private static int clockTick() {
		String tick = attribute("clock", "data-tick");
		return (tick != null) ? Integer.parseInt(tick) : 0;
	}

	private static Map<String, Integer> updateCounts() {
		return driver().findElements(By.cssSelector("#prices tr"))
			.stream()
			.collect(Collectors.toMap((row) -> row.getDomAttribute("data-symbol"),
					(row) -> Integer.parseInt(row.findElement(By.className("count")).getText())));
	}

	/** Submits the form until the result is not a temporary backend_unavailable. */
	private static void submitUntilOk(String form, String result) {
		browser.await(result + " to show a reply", (driver) -> {
			String outcome = attribute(result, "data-outcome");
			if ("ok".equals(outcome)) {
				return true;
			}
			if (outcome == null || ("error".equals(outcome) && "backend_unavailable".equals(attribute(result, "data-code")))) {
				click(form, "button");
			}
			return false;
		});
	}

}
