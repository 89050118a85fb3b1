package io.zmqws.security;

import java.security.Principal;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import io.zmqws.pubsub.EventGuard;
import reactor.core.publisher.Mono;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * Event guards over the subscriber's Spring Security authorities.
 */
public final class EventGuards {

	private EventGuards() {
	}

	/** Subscribers with the role ({@code ROLE_} is added). */
	public static EventGuard hasRole(String role) {
		return hasAnyAuthority("hasRole(" + role + ")", "ROLE_" + role);
	}

	/** Subscribers with any of the roles. */
	public static EventGuard hasAnyRole(String... roles) {
		return hasAnyAuthority("hasAnyRole(" + String.join(",", roles) + ")",
				Arrays.stream(roles).map((role) -> "ROLE_" + role).toArray(String[]::new));
	}

	/** Subscribers with the authority. */
	public static EventGuard hasAuthority(String authority) {
		return hasAnyAuthority("hasAuthority(" + authority + ")", authority);
	}

	private static EventGuard hasAnyAuthority(String name, String... authorities) {
		Set<String> wanted = Set.of(authorities);
		return new EventGuard() {

			@Override
			public String name() {
				return name;
			}

			@Override
			public Mono<Boolean> allows(Principal principal, String path) {
				if (!(principal instanceof Authentication authentication) || !authentication.isAuthenticated()) {
					return Mono.just(false);
				}
				Set<String> held = authentication.getAuthorities()
					.stream()
					.map(GrantedAuthority::getAuthority)
					.collect(Collectors.toSet());
				return Mono.just(wanted.stream().anyMatch(held::contains));
			}

		};
	}

}
