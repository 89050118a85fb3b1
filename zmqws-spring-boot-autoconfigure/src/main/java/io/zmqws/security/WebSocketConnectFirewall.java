package io.zmqws.security;

import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Security's {@link StrictServerWebExchangeFirewall}, which rejects {@code CONNECT}
 * with 400, except that the WebSocket handshake over HTTP/2 (RFC 8441) to the gateway
 * path may use it. Every other check of the strict firewall still applies to that
 * handshake, and {@code CONNECT} anywhere else is still rejected.
 */
public final class WebSocketConnectFirewall implements ServerWebExchangeFirewall {

	private final WebSocketConnectMatcher handshake;

	private final StrictServerWebExchangeFirewall strict = new StrictServerWebExchangeFirewall();

	private final StrictServerWebExchangeFirewall strictButConnect = new StrictServerWebExchangeFirewall();

	public WebSocketConnectFirewall(WebSocketConnectMatcher handshake) {
		this.handshake = handshake;
		this.strictButConnect.setAllowedHttpMethods(Set.of(WebSocketConnectMatcher.CONNECT));
	}

	@Override
	public Mono<ServerWebExchange> getFirewalledExchange(ServerWebExchange exchange) {
		StrictServerWebExchangeFirewall firewall = this.handshake.matches(exchange.getRequest()) ? this.strictButConnect
				: this.strict;
		return firewall.getFirewalledExchange(exchange);
	}

}
