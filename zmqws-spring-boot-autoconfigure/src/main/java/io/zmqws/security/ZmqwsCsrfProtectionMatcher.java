package io.zmqws.security;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Security's default CSRF protection matcher, minus the gateway's own requests
 * that carry no CSRF token but are protected otherwise: the WebSocket handshake over
 * HTTP/2 (extended {@code CONNECT}) and the HTTP fallback's {@code POST} and
 * {@code DELETE} requests, which need an allowed {@code Origin} and an unguessable
 * session id bound to the user.
 * <p>
 * zmqws applies it to every {@code ServerHttpSecurity}; an application that configures
 * its own matcher can combine it with this one.
 */
public final class ZmqwsCsrfProtectionMatcher implements ServerWebExchangeMatcher {

	private final ServerWebExchangeMatcher protectedRequests;

	private final ServerWebExchangeMatcher gatewayRequests;

	/**
	 * @param protectedRequests the requests that otherwise need a CSRF token
	 * @param websocketPath the gateway's path ({@code zmqws.websocket.path})
	 */
	public ZmqwsCsrfProtectionMatcher(ServerWebExchangeMatcher protectedRequests, String websocketPath) {
		String base = websocketPath.endsWith("/") ? websocketPath.substring(0, websocketPath.length() - 1)
				: websocketPath;
		this.protectedRequests = protectedRequests;
		this.gatewayRequests = ServerWebExchangeMatchers.matchers(
				ServerWebExchangeMatchers.pathMatchers(HttpMethod.valueOf("CONNECT"), base),
				ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, base + "/sse/*"),
				ServerWebExchangeMatchers.pathMatchers(HttpMethod.DELETE, base + "/sse/*"));
	}

	/** Spring Security's default matcher minus the gateway's requests at {@code websocketPath}. */
	public static ZmqwsCsrfProtectionMatcher withDefaults(String websocketPath) {
		return new ZmqwsCsrfProtectionMatcher(CsrfWebFilter.DEFAULT_CSRF_MATCHER, websocketPath);
	}

	@Override
	public Mono<MatchResult> matches(ServerWebExchange exchange) {
		return this.gatewayRequests.matches(exchange)
			.flatMap((gateway) -> gateway.isMatch() ? MatchResult.notMatch()
					: this.protectedRequests.matches(exchange));
	}

}
