package io.zmqws.sample;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static io.zmqws.sample.GatewayClient.isOp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser's login session and its gateway connections: logging out, or the session
 * expiring, closes them with 1008.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.reactive.session.timeout=3s", "zmqws.websocket.ping-interval=200ms" })
class BrowserSessionTests {

	private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void demoPorts(DynamicPropertyRegistry registry) {
		registry.add("demo.echo-port", FreePorts::next);
		registry.add("demo.ticker-port", FreePorts::next);
		registry.add("demo.sink-port", FreePorts::next);
	}

	@Test
	void loggingOutClosesTheSessionsConnectionsWith1008() throws Exception {
		Browser browser = new Browser();
		browser.login("alice");
		try (GatewayClient gateway = GatewayClient.connectWith(this.port, Map.of("Cookie", browser.cookie()))) {
			assertThat(gateway.received().get(0).path("user").asString()).isEqualTo("alice");
			browser.logout();
			assertThat(gateway.awaitCloseCode()).isEqualTo(1008);
		}
	}

	@Test
	void expiredSessionClosesItsConnectionsWith1008() throws Exception {
		Browser browser = new Browser();
		browser.login("bob");
		try (GatewayClient gateway = GatewayClient.connectWith(this.port, Map.of("Cookie", browser.cookie()))) {
			gateway.send(Map.of("op", "ping", "id", 1));
			gateway.awaitMessage("pong", (message) -> isOp(message, "pong"));
			assertThat(gateway.awaitCloseCode()).isEqualTo(1008);
		}
	}

	/** Logs in and out like a browser: the login form, its CSRF token, the session cookie. */
	private final class Browser {

		private final CookieManager cookies = new CookieManager();

		private final HttpClient http = HttpClient.newBuilder()
			.cookieHandler(this.cookies)
			.connectTimeout(Duration.ofSeconds(10))
			.build();

		void login(String user) throws Exception {
			String token = csrf("/login");
			HttpResponse<String> response = post("/login",
					"username=" + user + "&password=" + user + "&_csrf=" + encode(token));
			assertThat(response.statusCode()).isEqualTo(302);
			assertThat(response.headers().firstValue("Location")).hasValueSatisfying((to) -> assertThat(to)
				.doesNotContain("error"));
		}

		void logout() throws Exception {
			String token = csrf("/logout");
			assertThat(post("/logout", "_csrf=" + encode(token)).statusCode()).isEqualTo(302);
		}

		String cookie() {
			return this.cookies.getCookieStore()
				.getCookies()
				.stream()
				.map((cookie) -> cookie.getName() + "=" + cookie.getValue())
				.reduce((a, b) -> a + "; " + b)
				.orElseThrow();
		}

		private String csrf(String page) throws Exception {
			HttpResponse<String> response = this.http.send(request(page).GET().build(),
					HttpResponse.BodyHandlers.ofString());
			Matcher token = CSRF.matcher(response.body());
			assertThat(token.find()).as("a CSRF token on " + page).isTrue();
			return token.group(1);
		}

		private HttpResponse<String> post(String path, String form) throws Exception {
			return this.http.send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(form))
				.build(), HttpResponse.BodyHandlers.ofString());
		}

		private HttpRequest.Builder request(String path) {
			return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + BrowserSessionTests.this.port + path))
				.header("Accept", "text/html")
				.timeout(Duration.ofSeconds(10));
		}

		private String encode(String value) {
			return URLEncoder.encode(value, StandardCharsets.UTF_8);
		}

	}

}
