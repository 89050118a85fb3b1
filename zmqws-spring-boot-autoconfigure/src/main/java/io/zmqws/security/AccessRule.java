package io.zmqws.security;

import java.util.function.Predicate;

import org.springframework.security.authorization.ReactiveAuthorizationManager;

/**
 * One authorization rule: which access requests it covers and who may make them.
 *
 * @param description how the rule reads, for logs and failure messages
 * @param matcher the requests the rule covers
 * @param manager the decision for covered requests
 */
public record AccessRule(String description, Predicate<AccessRequest> matcher,
		ReactiveAuthorizationManager<AccessRequest> manager) {
}
