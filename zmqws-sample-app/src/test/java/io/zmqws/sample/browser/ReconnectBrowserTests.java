package io.zmqws.sample.browser;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.zmqws.sample.FreePorts;
import io.zmqws.sample.SampleApplication;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server goes away and comes back on the same port while a page is open: the client
 * reconnects by itself and restores the page's subscriptions (topic and path) and its
 * registered function, and what was in flight when the connection dropped fails with
 * {@code disconnected} instead of hanging.
 * <p>
 * The application runs on a fixed free port, started with {@link SpringApplicationBuilder}
 * so that it can be stopped and started again on the same port.
 */
@ExtendWith(Chromium.Required.class)
class ReconnectBrowserTests {

	private static final Duration RESTART_WAIT = Duration.ofSeconds(60);

	private ConfigurableApplicationContext application;

	private Chromium browser;

	@AfterEach
	void stopEverything() {
		try {
			if (this.browser != null) {
				this.browser.close();
			}
		}
		finally {
			if (this.application != null) {
				this.application.close();
			}
		}
	}

	@Test
	void pageReconnectsAfterTheServerRestartsAndRestoresSubscriptionsAndFunctions() {
		int port = FreePorts.next();
		this.application = start(port);
		this.browser = Chromium.start();
		this.browser.open("http://127.0.0.1:" + port, "alice", "/");
		await("the connection to open", () -> "open".equals(attribute("state", "data-state")));
		String firstSession = text("session");
		await("prices", () -> priceUpdates() >= 2);
		await("a clock event", () -> clockTick() > 0);
		String firstClock = attribute("clock", "data-started");
		// a second connection made with the API, recording what it goes through
		this.browser.evaluate("""
				const { connect } = await import('/zmqws/client.js');
				const api = connect({ reconnect: { initialDelay: 200, maxDelay: 2000 } });
				const record = { states: [], prices: 0, events: 0, inFlight: null };
				window.reconnectTest = { api, record };
				api.on('state', (state) => record.states.push(state));
				api.subscribe('ticker', 'ticker.BTC', () => record.prices++);
				api.subscribe('/clock', () => record.events++);
				api.register('notify', (text) => 'confirmed ' + text);
				await api.opened();
				api.rpc('calc.countdown', [100]).then(
					() => record.inFlight = 'completed',
					(error) => record.inFlight = error.code + ' ' + error.name);
				""");
		type("countdown-from", "100");
		click("countdown-start");
		await("a countdown in progress", () -> driver().findElements(By.cssSelector("#countdown-items li")).size() >= 1);

		this.application.close();
		this.application = null;
		await("the page to notice", () -> "reconnecting".equals(attribute("state", "data-state")));
		await("the page's countdown to fail", () -> "error".equals(attribute("countdown-state", "data-outcome")));
		assertThat(attribute("countdown-state", "data-code")).isEqualTo("disconnected");
		assertThat(record("inFlight")).isEqualTo("disconnected DisconnectedError");

		this.application = start(port);
		// the new server knows no session: sign in again, as a person would
		this.browser.loginInNewTab("http://127.0.0.1:" + port, "alice");
		await("the page to reconnect", () -> "open".equals(attribute("state", "data-state")));
		assertThat(text("reconnects")).isEqualTo("1");
		assertThat(text("session")).matches("[0-9a-f-]{36}").isNotEqualTo(firstSession);
		// the ticker subscription is back: prices move on without a click
		int updatesAtReconnect = priceUpdates();
		await("prices after the restart", () -> priceUpdates() >= updatesAtReconnect + 2);
		assertThat(text("ticker-state")).isEqualTo("Subscribed");
		// the /clock subscription is back: events come from the new server's clock
		await("clock events from the new server", () -> !firstClock.equals(attribute("clock", "data-started")));
		// the notify function is registered on the new session
		click("notify-me");
		await("the server's call back", () -> "ok".equals(attribute("notify-result", "data-outcome")));
		assertThat(text("notify-result")).startsWith("The browser answered the server: shown as notification #");
		// the API connection came back the same way
		long prices = ((Number) record("prices")).longValue();
		long events = ((Number) record("events")).longValue();
		await("the API connection's subscriptions to deliver again", () -> ((Number) record("prices")).longValue() > prices
				&& ((Number) record("events")).longValue() > events);
		assertThat(record("states")).isEqualTo(List.of("open", "reconnecting", "open"));
		assertThat(this.browser.evaluate("""
				const { api } = window.reconnectTest;
				try {
					return await api.rpc('notifications.notifyMe', ['restored']);
				}
				finally {
					api.close();
				}
				""")).isEqualTo("confirmed restored");
	}

	private static ConfigurableApplicationContext start(int port) {
		AtomicReference<ConfigurableApplicationContext> started = new AtomicReference<>();
		// the port of the stopped server may not be free again at once
		Awaitility.await("the application to start on port " + port)
			.atMost(RESTART_WAIT)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> {
				try {
					started.set(new SpringApplicationBuilder(SampleApplication.class).run("--server.port=" + port,
							"--server.address=127.0.0.1", "--demo.echo-port=" + FreePorts.next(),
							"--demo.ticker-port=" + FreePorts.next(), "--demo.sink-port=" + FreePorts.next(),
							"--spring.main.banner-mode=off"));
					return true;
				}
				catch (RuntimeException ex) {
					if (isPortInUse(ex)) {
						return false;
					}
					throw ex;
				}
			});
		return started.get();
	}

	private static boolean isPortInUse(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause.getClass().getSimpleName().equals("PortInUseException")
					|| String.valueOf(cause.getMessage()).contains("Address already in use")) {
				return true;
			}
		}
		return false;
	}

	private Object record(String name) {
		return ((Map<?, ?>) this.browser.evaluate("return window.reconnectTest.record;")).get(name);
	}

	private void await(String description, BooleanSupplier condition) {
		this.browser.await(description, (driver) -> condition.getAsBoolean());
	}

	private WebDriver driver() {
		return this.browser.driver();
	}

	private String text(String id) {
		return driver().findElement(By.id(id)).getText();
	}

	private String attribute(String id, String name) {
		return driver().findElement(By.id(id)).getDomAttribute(name);
	}

	private void click(String id) {
		driver().findElement(By.id(id)).click();
	}

	private void type(String id, String value) {
		driver().findElement(By.id(id)).clear();
		driver().findElement(By.id(id)).sendKeys(value);
	}

	private int priceUpdates() {
		return driver().findElements(By.cssSelector("#prices .count"))
			.stream()
			.mapToInt((cell) -> Integer.parseInt(cell.getText()))
			.sum();
	}

	private int clockTick() {
		String tick = attribute("clock", "data-tick");
		return (tick != null) ? Integer.parseInt(tick) : 0;
	}

}
