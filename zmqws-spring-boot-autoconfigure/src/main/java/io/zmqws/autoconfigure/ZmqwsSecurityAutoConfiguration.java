package io.zmqws.autoconfigure;

import java.security.Principal;
import java.util.List;

import io.zmqws.security.AccessExpressionAuthorizationManager;
import io.zmqws.security.AccessPolicy;
import io.zmqws.security.TokenAuthenticator;
import io.zmqws.security.WebSocketConnectFirewall;
import io.zmqws.security.WebSocketConnectMatcher;
import io.zmqws.security.ZmqwsAuthorizationRules;
import io.zmqws.security.ZmqwsCsrfExemption;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.authorization.SpringAuthorizationEventPublisher;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;

/**
 * Auto-configuration of deny-by-default authorization when Spring Security is present:
 * the rules of {@link ZmqwsAuthorizationRules} beans, then those of
 * {@code zmqws.endpoints.*.access}, {@code zmqws.endpoints.*.topics},
 * {@code zmqws.security.paths} and {@code zmqws.security.methods}; anything no rule
 * covers is denied, and denials are published as {@code AuthorizationDeniedEvent}s.
 */
@AutoConfiguration(before = ZmqwsAutoConfiguration.class,
		afterName = "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration")
@ConditionalOnClass(ReactiveAuthorizationManager.class)
@EnableConfigurationProperties(ZmqwsProperties.class)
public final class ZmqwsSecurityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	AccessPolicy zmqwsAccessPolicy(ZmqwsProperties properties, ObjectProvider<ZmqwsAuthorizationRules> userRules,
			ApplicationEventPublisher publisher) {
		ZmqwsAuthorizationRules.Builder fromProperties = ZmqwsAuthorizationRules.builder();
		properties.getEndpoints().forEach((name, endpoint) -> addEndpointRules(fromProperties, name, endpoint));
		List<ZmqwsProperties.PatternRule> paths = properties.getSecurity().getPaths();
		for (int i = 0; i < paths.size(); i++) {
			ZmqwsProperties.PatternRule rule = paths.get(i);
			fromProperties.paths(rule.getPattern())
				.access(expression("zmqws.security.paths[" + i + "].access", rule.getAccess()));
		}
		List<ZmqwsProperties.PatternRule> methods = properties.getSecurity().getMethods();
		for (int i = 0; i < methods.size(); i++) {
			ZmqwsProperties.PatternRule rule = methods.get(i);
			fromProperties.methods(rule.getPattern())
				.access(expression("zmqws.security.methods[" + i + "].access", rule.getAccess()));
		}
		ZmqwsAuthorizationRules combined = ZmqwsAuthorizationRules.builder().build();
		for (ZmqwsAuthorizationRules rules : userRules.orderedStream().toList()) {
			combined = combined.andThen(rules, null);
		}
		combined = combined.andThen(fromProperties.build(), new SpringAuthorizationEventPublisher(publisher));
		return combined.toAccessPolicy();
	}

	/** In-band tokens ({@code auth} messages) are JWTs checked by the application's decoder. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ReactiveJwtDecoder.class, JwtReactiveAuthenticationManager.class })
	static class JwtTokenConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(ReactiveJwtDecoder.class)
		TokenAuthenticator zmqwsTokenAuthenticator(ReactiveJwtDecoder decoder,
				ObjectProvider<ReactiveJwtAuthenticationConverter> converters,
				ObjectProvider<ReactiveJwtAuthenticationConverterAdapter> adapters) {
			JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(decoder);
			converters.ifAvailable(manager::setJwtAuthenticationConverter);
			adapters.ifAvailable(manager::setJwtAuthenticationConverter);
			return (token) -> manager.authenticate(new BearerTokenAuthenticationToken(token))
				.map((authentication) -> (Principal) authentication);
		}

	}

	/**
	 * Lets the WebSocket handshake over HTTP/2 (RFC 8441), an extended CONNECT, through
	 * Spring Security's firewall, for the gateway path only.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass({ ServerWebExchangeFirewall.class, CsrfWebFilter.class })
	@ConditionalOnBooleanProperty("server.http2.enabled")
	@ConditionalOnBooleanProperty(name = "zmqws.http2.websocket", matchIfMissing = true)
	static class WebSocketOverHttp2Configuration {

		@Bean
		@ConditionalOnMissingBean
		ServerWebExchangeFirewall zmqwsWebSocketConnectFirewall(ZmqwsProperties properties) {
			return new WebSocketConnectFirewall(new WebSocketConnectMatcher(properties.getWebsocket().getPath()));
		}

	}

	/** Exempts the gateway's own token-less requests from the CSRF check ({@link ZmqwsCsrfExemption}). */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(CsrfWebFilter.class)
	static class CsrfConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ZmqwsCsrfExemption zmqwsCsrfExemption(ZmqwsProperties properties) {
			return new ZmqwsCsrfExemption(properties.getWebsocket().getPath());
		}

	}

	private static void addEndpointRules(ZmqwsAuthorizationRules.Builder rules, String name,
			ZmqwsProperties.Endpoint endpoint) {
		String prefix = "zmqws.endpoints." + name;
		if (endpoint.getAccess() != null) {
			rules.endpoints(name).access(expression(prefix + ".access", endpoint.getAccess()));
		}
		List<ZmqwsProperties.TopicRule> topics = endpoint.getTopics();
		for (int i = 0; i < topics.size(); i++) {
			ZmqwsProperties.TopicRule topic = topics.get(i);
			rules.topics(name, topic.getPrefix()).access(expression(prefix + ".topics[" + i + "].access", topic.getAccess()));
		}
		if (topics.isEmpty() && endpoint.getAccess() != null) {
			rules.topics(name, "").access(expression(prefix + ".access", endpoint.getAccess()));
		}
	}

	private static AccessExpressionAuthorizationManager expression(String property, String text) {
		if (text == null || text.isBlank()) {
			throw new InvalidConfigurationPropertyValueException(property, text,
					"An access expression is required, e.g. hasRole('TRADER'), isAuthenticated() or permitAll");
		}
		try {
			return new AccessExpressionAuthorizationManager(text);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(property, text, ex.getMessage());
		}
	}

}
