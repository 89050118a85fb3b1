package io.zmqws.security;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ZmqwsCsrfProtectionMatcher}: only the gateway's own token-less
 * requests leave Spring Security's default CSRF protection.
 */
class ZmqwsCsrfProtectionMatcherTests {

	private final ZmqwsCsrfProtectionMatcher matcher = ZmqwsCsrfProtectionMatcher.withDefaults("/gateway/");

	@ParameterizedTest
	@CsvSource({ "CONNECT, /gateway, false", "POST, /gateway/sse/abc, false", "DELETE, /gateway/sse/abc, false",
			"GET, /gateway/sse, false", "POST, /gateway, true", "POST, /gateway/sse, true",
			"POST, /gateway/sse/abc/more, true", "PUT, /gateway/sse/abc, true", "CONNECT, /elsewhere, true",
			"POST, /elsewhere, true", "GET, /elsewhere, false" })
	void protectsWhatSpringSecurityProtectsExceptTheGatewaysOwnRequests(String method, String path,
			boolean protectedRequest) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.method(HttpMethod.valueOf(method), path));
		assertThat(this.matcher.matches(exchange).block().isMatch()).isEqualTo(protectedRequest);
	}

}
