package io.zmqws.security;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.csrf.CsrfWebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ZmqwsCsrfExemption} in front of Spring Security's real
 * {@link CsrfWebFilter}: only the gateway's own token-less requests pass without a token.
 */
class ZmqwsCsrfExemptionTests {

	private final ZmqwsCsrfExemption exemption = new ZmqwsCsrfExemption("/gateway/");

	@ParameterizedTest
	@CsvSource({ "CONNECT, /gateway, true", "POST, /gateway/sse/abc, true", "DELETE, /gateway/sse/abc, true",
			"GET, /gateway/sse, true", "POST, /gateway, false", "POST, /gateway/sse, false",
			"POST, /gateway/sse/abc/more, false", "PUT, /gateway/sse/abc, false", "CONNECT, /elsewhere, false",
			"POST, /elsewhere, false", "GET, /elsewhere, true" })
	void onlyTheGatewaysOwnRequestsPassWithoutAToken(String method, String path, boolean passes) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.method(HttpMethod.valueOf(method), "https://localhost" + path));
		CsrfWebFilter csrf = new CsrfWebFilter();
		this.exemption.filter(exchange, (afterExemption) -> csrf.filter(afterExemption, (passed) -> Mono.empty()))
			.block();
		assertThat(exchange.getResponse().getStatusCode()).isEqualTo(passes ? null : HttpStatus.FORBIDDEN);
	}

}
