package io.zmqws.security;

import java.util.function.Consumer;

import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.WebFilterExchange;
import org.springframework.security.web.server.authentication.logout.ServerLogoutHandler;
import org.springframework.web.server.WebSession;

/**
 * Closes the zmqws connections opened under the browser session that logs out, with
 * 1008. Add it as the first logout handler, before Spring Security's own (which change
 * the session): {@code .logout((logout) -> logout.logoutHandler((handlers) ->
 * handlers.add(0, zmqwsLogoutHandler)))}.
 */
public final class ZmqwsLogoutHandler implements ServerLogoutHandler {

	private final Consumer<String> closeWebSession;

	/**
	 * @param closeWebSession closes the connections of the web session with the given id
	 */
	public ZmqwsLogoutHandler(Consumer<String> closeWebSession) {
		this.closeWebSession = closeWebSession;
	}

	@Override
	public Mono<Void> logout(WebFilterExchange exchange, Authentication authentication) {
		return exchange.getExchange().getSession().map(WebSession::getId).doOnNext(this.closeWebSession).then();
	}

}
