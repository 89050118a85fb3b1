package io.zmqws.security;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Exempts the gateway's own requests that carry no CSRF token from Spring Security's
 * CSRF check: the WebSocket handshake over HTTP/2 (an extended {@code CONNECT} to the
 * gateway path; over HTTP/1.1 it is a {@code GET}, which needs no token) and the HTTP
 * fallback's {@code POST} and {@code DELETE} to {@code {path}/sse/{session}}. What
 * protects them instead is the gateway's Origin check and, for the fallback, the
 * unguessable session id bound to its user. Every other request keeps its CSRF check,
 * however the application configured it.
 * <p>
 * Runs just before Spring Security's filter chain (order {@value #ORDER}; the chain's is
 * -100).
 */
public final class ZmqwsCsrfExemption implements WebFilter, Ordered {

	/** The filter's order: just before Spring Security's {@code WebFilterChainProxy}. */
	public static final int ORDER = -101;

	private final ServerWebExchangeMatcher gatewayRequests;

	/**
	 * @param websocketPath the gateway's path ({@code zmqws.websocket.path})
	 */
	public ZmqwsCsrfExemption(String websocketPath) {
		String base = websocketPath.endsWith("/") ? websocketPath.substring(0, websocketPath.length() - 1)
				: websocketPath;
		this.gatewayRequests = ServerWebExchangeMatchers.matchers(
				ServerWebExchangeMatchers.pathMatchers(WebSocketConnectMatcher.CONNECT, base),
				ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, base + "/sse/*"),
				ServerWebExchangeMatchers.pathMatchers(HttpMethod.DELETE, base + "/sse/*"));
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return this.gatewayRequests.matches(exchange).flatMap((match) -> {
			if (match.isMatch()) {
				CsrfWebFilter.skipExchange(exchange);
			}
			return chain.filter(exchange);
		});
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
