package io.zmqws.security;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

import reactor.core.publisher.Mono;

import org.springframework.security.authorization.AuthenticatedReactiveAuthorizationManager;
import org.springframework.security.authorization.AuthorityReactiveAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationEventPublisher;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.util.AntPathMatcher;

/**
 * Authorization rules for the gateway, checked in order; the first rule that covers a
 * request decides, and a request no rule covers is denied. Declare a bean of this type to
 * add rules; they are checked before those from {@code application.yml}.
 * <p>
 * Build them in the style of {@code authorizeExchange}:
 * <pre class="code">
 * ZmqwsAuthorizationRules.builder()
 *     .endpoints("quotes").hasRole("TRADER")
 *     .topics("quotes", "EUR").hasAuthority("FX")
 *     .paths("/rooms/**").authenticated()
 *     .methods("calc.*").permitAll()
 *     .build();
 * </pre>
 * Denials are published as Spring Security {@code AuthorizationDeniedEvent}s when an
 * {@link AuthorizationEventPublisher} is set.
 */
public final class ZmqwsAuthorizationRules {

	private static final ReactiveAuthorizationManager<AccessRequest> DENY = (authentication,
			request) -> Mono.just(new AuthorizationDecision(false));

	private final List<AccessRule> rules;

	private final AuthorizationEventPublisher events;

	private ZmqwsAuthorizationRules(List<AccessRule> rules, AuthorizationEventPublisher events) {
		this.rules = List.copyOf(rules);
		this.events = events;
	}

	public static Builder builder() {
		return new Builder();
	}

	/** The rules, in the order they are checked. */
	public List<AccessRule> rules() {
		return this.rules;
	}

	/** These rules followed by {@code others}, publishing denials to {@code events}. */
	public ZmqwsAuthorizationRules andThen(ZmqwsAuthorizationRules others, AuthorizationEventPublisher events) {
		List<AccessRule> combined = new ArrayList<>(this.rules);
		combined.addAll(others.rules);
		return new ZmqwsAuthorizationRules(combined, events);
	}

	/** These rules as the gateway's access policy. */
	public AccessPolicy toAccessPolicy() {
		return this::isAllowed;
	}

	/** Whether the first rule covering {@code request} grants it; denied when none does. */
	public Mono<Boolean> isAllowed(AccessRequest request, Principal principal) {
		Authentication caller = (principal instanceof Authentication authentication) ? authentication
				: Anonymous.TOKEN;
		ReactiveAuthorizationManager<AccessRequest> manager = DENY;
		for (AccessRule rule : this.rules) {
			if (rule.matcher().test(request)) {
				manager = rule.manager();
				break;
			}
		}
		return manager.authorize(Mono.just(caller), request)
			.defaultIfEmpty(new AuthorizationDecision(false))
			.map((result) -> {
				if (!result.isGranted() && this.events != null) {
					this.events.publishAuthorizationEvent(() -> caller, request, result);
				}
				return result.isGranted();
			});
	}

	/** Collects rules in order. */
	public static final class Builder {

		private final List<AccessRule> rules = new ArrayList<>();

		private AuthorizationEventPublisher events;

		/** Rules for opening sockets on the named endpoints; {@code *} names every endpoint. */
		public RuleSpec endpoints(String... names) {
			return new RuleSpec(this, "endpoints " + String.join(", ", names),
					(request) -> request instanceof AccessRequest.Endpoint endpoint && matchesName(names, endpoint.name()));
		}

		/**
		 * Rules for subscribing, on a SUB endpoint ({@code *} for every one), to topics that
		 * start with one of the prefixes; the empty prefix covers every topic.
		 */
		public RuleSpec topics(String endpoint, String... prefixes) {
			return new RuleSpec(this, "topics " + String.join(", ", prefixes) + " of " + endpoint,
					(request) -> request instanceof AccessRequest.Topic topic
							&& matchesName(new String[] { endpoint }, topic.endpoint())
							&& startsWithAny(topic.topic(), prefixes));
		}

		/** Rules for path subscriptions, with Ant-style patterns such as {@code /rooms/**}. */
		public RuleSpec paths(String... patterns) {
			AntPathMatcher matcher = new AntPathMatcher("/");
			return new RuleSpec(this, "paths " + String.join(", ", patterns),
					(request) -> request instanceof AccessRequest.Path path && matchesAny(matcher, patterns, path.path()));
		}

		/** Rules for RPC methods, with patterns such as {@code calc.*} or {@code *.*}. */
		public RuleSpec methods(String... patterns) {
			AntPathMatcher matcher = new AntPathMatcher(".");
			return new RuleSpec(this, "methods " + String.join(", ", patterns),
					(request) -> request instanceof AccessRequest.Method method
							&& matchesAny(matcher, patterns, method.name()));
		}

		/** A rule for everything not covered by an earlier rule. */
		public RuleSpec anyRequest() {
			return new RuleSpec(this, "any request", (request) -> true);
		}

		/** Adds a rule as it is. */
		public Builder rule(AccessRule rule) {
			this.rules.add(rule);
			return this;
		}

		/** Where denials are published. */
		public Builder events(AuthorizationEventPublisher events) {
			this.events = events;
			return this;
		}

		public ZmqwsAuthorizationRules build() {
			return new ZmqwsAuthorizationRules(this.rules, this.events);
		}

		private static boolean matchesName(String[] names, String name) {
			for (String candidate : names) {
				if (candidate.equals("*") || candidate.equals(name)) {
					return true;
				}
			}
			return false;
		}

		private static boolean startsWithAny(byte[] topic, String[] prefixes) {
			for (String prefix : prefixes) {
				byte[] bytes = prefix.getBytes(StandardCharsets.UTF_8);
				if (topic.length >= bytes.length
						&& Arrays.equals(bytes, 0, bytes.length, topic, 0, bytes.length)) {
					return true;
				}
			}
			return false;
		}

		private static boolean matchesAny(AntPathMatcher matcher, String[] patterns, String value) {
			for (String pattern : patterns) {
				if (matcher.match(pattern, value)) {
					return true;
				}
			}
			return false;
		}

	}

	/** Says who may make the requests a rule covers. */
	public static final class RuleSpec {

		private final Builder builder;

		private final String description;

		private final Predicate<AccessRequest> matcher;

		RuleSpec(Builder builder, String description, Predicate<AccessRequest> matcher) {
			this.builder = builder;
			this.description = description;
			this.matcher = matcher;
		}

		public Builder permitAll() {
			return access((authentication, request) -> Mono.just(new AuthorizationDecision(true)));
		}

		public Builder denyAll() {
			return access(DENY);
		}

		public Builder authenticated() {
			return access(AuthenticatedReactiveAuthorizationManager.authenticated());
		}

		public Builder hasRole(String role) {
			return access(AuthorityReactiveAuthorizationManager.hasRole(role));
		}

		public Builder hasAnyRole(String... roles) {
			return access(AuthorityReactiveAuthorizationManager.hasAnyRole(roles));
		}

		public Builder hasAuthority(String authority) {
			return access(AuthorityReactiveAuthorizationManager.hasAuthority(authority));
		}

		public Builder hasAnyAuthority(String... authorities) {
			return access(AuthorityReactiveAuthorizationManager.hasAnyAuthority(authorities));
		}

		/** Decides with a Spring Security expression, e.g. {@code hasRole('TRADER')}. */
		public Builder access(String expression) {
			return access(new AccessExpressionAuthorizationManager(expression));
		}

		public Builder access(ReactiveAuthorizationManager<AccessRequest> manager) {
			this.builder.rules.add(new AccessRule(this.description, this.matcher, manager));
			return this.builder;
		}

	}

}
