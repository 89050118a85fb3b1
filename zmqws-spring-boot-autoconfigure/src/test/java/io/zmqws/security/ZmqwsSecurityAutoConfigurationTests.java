package io.zmqws.security;

import io.zmqws.autoconfigure.ZmqwsAutoConfiguration;
import io.zmqws.autoconfigure.ZmqwsSecurityAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ZmqwsSecurityAutoConfiguration}.
 */
class ZmqwsSecurityAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ReactiveOAuth2ResourceServerAutoConfiguration.class,
				ZmqwsSecurityAutoConfiguration.class, ZmqwsAutoConfiguration.class));

	@Test
	void rulesPolicyReplacesTheDefaultWhenSpringSecurityIsPresent() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(AccessPolicy.class).doesNotHaveBean(TokenAuthenticator.class);
			AccessPolicy policy = context.getBean(AccessPolicy.class);
			assertThat(policy.isAllowed(new AccessRequest.Endpoint("anything"), null).block()).isFalse();
		});
	}

	@Test
	void inBandTokensUseTheJwtDecoderBootConfiguresFromProperties() {
		this.contextRunner
			.withPropertyValues("spring.security.oauth2.resourceserver.jwt.jwk-set-uri=http://127.0.0.1:9/jwks")
			.run((context) -> assertThat(context).hasSingleBean(ReactiveJwtDecoder.class)
				.hasSingleBean(TokenAuthenticator.class));
	}

	@Test
	void invalidAccessExpressionFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("zmqws.endpoints.echo.type=REQ", "zmqws.endpoints.echo.address=tcp://127.0.0.1:5555",
					"zmqws.endpoints.echo.access=hasRole('TRADER'")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("zmqws.endpoints.echo.access"));
	}

}
