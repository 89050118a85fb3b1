package io.zmqws.security;

import java.security.Principal;

import reactor.core.publisher.Mono;

/**
 * Decides whether a caller may reach what it asks for. Asked before any endpoint is
 * opened, topic subscribed or method invoked; a denial answers {@code forbidden} and
 * nothing reaches ZeroMQ or the method.
 */
@FunctionalInterface
public interface AccessPolicy {

	/**
	 * @param request what the caller asks to reach
	 * @param principal the caller, or {@code null} when anonymous
	 * @return a {@code Mono} of {@code true} to allow; {@code false} or empty to deny
	 */
	Mono<Boolean> isAllowed(AccessRequest request, Principal principal);

	/**
	 * A policy that allows everything the application declared: configured endpoints and
	 * {@code @ZmqRpc} methods. Used when no other policy is defined.
	 */
	static AccessPolicy allowDeclared() {
		return (request, principal) -> Mono.just(true);
	}

}
