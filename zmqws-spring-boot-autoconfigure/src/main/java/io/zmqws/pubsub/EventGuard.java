package io.zmqws.pubsub;

import java.security.Principal;

import reactor.core.publisher.Mono;

/**
 * Decides whether a subscriber may receive an event published with it. Each connection
 * caches a guard's answer for a while (see {@code zmqws.security.guard-cache-ttl}), keyed
 * by {@link #name()}, and forgets it when it re-authenticates.
 */
public interface EventGuard {

	/** Identifies the guard in the caches; guards that decide alike share a name. */
	String name();

	/**
	 * @param principal the subscriber, or {@code null} when anonymous
	 * @param path the path the event is published to
	 * @return {@code true} to deliver; {@code false} or empty to withhold
	 */
	Mono<Boolean> allows(Principal principal, String path);

}
