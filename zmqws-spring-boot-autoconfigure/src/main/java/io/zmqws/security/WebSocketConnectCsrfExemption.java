package io.zmqws.security;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Exempts the WebSocket handshake over HTTP/2 (RFC 8441) to the gateway path from Spring
 * Security's CSRF token check, as the {@code GET} handshake over HTTP/1.1 is: the CSRF
 * filter lets only {@code GET}, {@code HEAD}, {@code TRACE} and {@code OPTIONS} pass
 * without a token, and no browser sends one with a WebSocket handshake. What stops a
 * foreign page from opening the WebSocket with the user's cookies is the gateway's
 * Origin check, which applies to both handshakes alike.
 * <p>
 * Runs just before Spring Security's filter chain (order {@value #ORDER}; the chain's is
 * -100).
 */
public final class WebSocketConnectCsrfExemption implements WebFilter, Ordered {

	/** The filter's order: just before Spring Security's {@code WebFilterChainProxy}. */
	public static final int ORDER = -101;

	private final WebSocketConnectMatcher handshake;

	public WebSocketConnectCsrfExemption(WebSocketConnectMatcher handshake) {
		this.handshake = handshake;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (this.handshake.matches(exchange.getRequest())) {
			CsrfWebFilter.skipExchange(exchange);
		}
		return chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
