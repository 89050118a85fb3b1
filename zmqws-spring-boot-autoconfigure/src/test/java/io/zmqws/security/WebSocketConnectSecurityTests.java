package io.zmqws.security;

import io.zmqws.autoconfigure.ZmqwsAutoConfiguration;
import io.zmqws.autoconfigure.ZmqwsSecurityAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link WebSocketConnectFirewall} and how
 * {@link ZmqwsSecurityAutoConfiguration} provides it (and the CSRF exemption).
 */
class WebSocketConnectSecurityTests {

	private static final HttpMethod CONNECT = HttpMethod.valueOf("CONNECT");

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ZmqwsSecurityAutoConfiguration.class, ZmqwsAutoConfiguration.class));

	private final WebSocketConnectMatcher gateway = new WebSocketConnectMatcher("/zmqws");

	@Test
	void firewallLetsTheHandshakeToTheGatewayPathThrough() {
		ServerWebExchange exchange = exchange(CONNECT, "/zmqws");
		assertThat(new WebSocketConnectFirewall(this.gateway).getFirewalledExchange(exchange).block()).isNotNull();
	}

	@Test
	void firewallRejectsConnectElsewhere() {
		assertThatExceptionOfType(ServerExchangeRejectedException.class)
			.isThrownBy(() -> new WebSocketConnectFirewall(this.gateway)
				.getFirewalledExchange(exchange(CONNECT, "/zmqws/other"))
				.block());
	}

	@Test
	void firewallStillAppliesTheStrictChecksToTheHandshake() {
		assertThatExceptionOfType(ServerExchangeRejectedException.class)
			.isThrownBy(() -> new WebSocketConnectFirewall(this.gateway)
				.getFirewalledExchange(exchange(CONNECT, "/zmqws;jsessionid=1"))
				.block());
	}

	@Test
	void firewallTreatsOtherMethodsAsTheStrictFirewallDoes() {
		assertThat(new WebSocketConnectFirewall(this.gateway).getFirewalledExchange(exchange(HttpMethod.GET, "/zmqws"))
			.block()).isNotNull();
		assertThatExceptionOfType(ServerExchangeRejectedException.class)
			.isThrownBy(() -> new WebSocketConnectFirewall(this.gateway)
				.getFirewalledExchange(exchange(HttpMethod.TRACE, "/zmqws"))
				.block());
	}

	@Test
	void providedWhenTheServerSpeaksHttp2() {
		this.contextRunner.withPropertyValues("server.http2.enabled=true").run((context) -> {
			assertThat(context).getBean(ServerWebExchangeFirewall.class).isInstanceOf(WebSocketConnectFirewall.class);
			assertThat(context).hasSingleBean(ZmqwsCsrfExemption.class);
		});
	}

	@Test
	void notProvidedWithoutHttp2() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ServerWebExchangeFirewall.class)
			.hasSingleBean(ZmqwsCsrfExemption.class));
	}

	@Test
	void notProvidedWhenWebSocketsOverHttp2AreTurnedOff() {
		this.contextRunner.withPropertyValues("server.http2.enabled=true", "zmqws.http2.websocket=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ServerWebExchangeFirewall.class));
	}

	@Test
	void theApplicationsOwnFirewallWins() {
		this.contextRunner.withPropertyValues("server.http2.enabled=true")
			.withUserConfiguration(OwnFirewall.class)
			.run((context) -> assertThat(context).getBean(ServerWebExchangeFirewall.class)
				.isInstanceOf(StrictServerWebExchangeFirewall.class));
	}

	private static MockServerWebExchange exchange(HttpMethod method, String path) {
		return MockServerWebExchange.from(MockServerHttpRequest.method(method, "https://localhost" + path));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnFirewall {

		@Bean
		ServerWebExchangeFirewall firewall() {
			return new StrictServerWebExchangeFirewall();
		}

	}

}
