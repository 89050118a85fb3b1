package io.zmqws.security;

import java.security.Principal;

import reactor.core.publisher.Mono;

/**
 * Turns a token a client sends in-band ({@code auth} message) into the connection's
 * principal: for browsers, which cannot set headers on a WebSocket handshake, and for
 * refreshing credentials that are about to expire.
 */
@FunctionalInterface
public interface TokenAuthenticator {

	/**
	 * @return the authenticated principal; an error or empty when the token is not valid
	 */
	Mono<Principal> authenticate(String token);

}
