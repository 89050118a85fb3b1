package io.zmqws.sample.browser;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A network that blocks WebSockets, as some proxies do (every upgrade is refused before
 * it reaches the application): in headless Chromium the JavaScript client, left on
 * {@code auto}, falls back to the event stream and posts by itself, and the sample page
 * works as usual.
 */
@Import(FallbackBrowserTests.WebSocketBlockingProxy.class)
class FallbackBrowserTests extends SampleBrowserTestSupport {


	@Test
	void clientFallsBackByItselfAndEverythingStillWorks() {
		browser = Chromium.start();
		browser.open("http://127.0.0.1:" + this.port, "alice", "/");
		browser.await("the page to connect over the fallback",
				(driver) -> "sse".equals(driver.findElement(By.id("transport")).getAttribute("data-transport")));
		Object outcome = browser.evaluate(RETRY + """
				const client = await import('/zmqws/client.js');
				const connection = client.connect();
				const fallbacks = [];
				connection.on('fallback', (details) => fallbacks.push(details.transport));
				try {
					const round = await retry(() => connection.request('echo', 'through the fallback'));
					return { transport: connection.transport, fallbacks, reply: round };
				}
				finally {
					connection.close();
				}
				""");
		assertThat(outcome).isEqualTo(Map.of("transport", "sse", "fallbacks", java.util.List.of("sse"), "reply",
				java.util.List.of("echo", "through the fallback")));
	}

	/** Refuses every WebSocket handshake with 403 before the application sees it. */
	@TestConfiguration(proxyBeanMethods = false)
	static class WebSocketBlockingProxy {

		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		WebFilter webSocketBlockingProxy() {
			return (exchange, chain) -> {
				String upgrade = exchange.getRequest().getHeaders().getUpgrade();
				if ("websocket".equalsIgnoreCase(upgrade)
						|| "CONNECT".equals(exchange.getRequest().getMethod().name())) {
					exchange.getResponse().setStatusCode(HttpStatus.FORBIDDEN);
					return exchange.getResponse().setComplete();
				}
				return chain.filter(exchange);
			};
		}

	}

}
