package io.zmqws.sample.security;

import io.zmqws.security.ZmqwsLogoutHandler;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.logout.DelegatingServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.SecurityContextServerLogoutHandler;
import org.springframework.security.web.server.authentication.logout.WebSessionServerLogoutHandler;

/**
 * Form login (and HTTP Basic, for scripts and tests) with two demo users: alice may
 * trade, bob may not. What each may reach through the gateway is declared in
 * {@code application.yml}; logging out closes the browser's gateway connections.
 */
@Configuration(proxyBeanMethods = false)
public class SampleSecurityConfiguration {

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ZmqwsLogoutHandler zmqwsLogoutHandler) {
		return http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated())
			.formLogin((form) -> {
			})
			.httpBasic((basic) -> {
			})
			.logout((logout) -> logout.logoutHandler(new DelegatingServerLogoutHandler(zmqwsLogoutHandler,
					new SecurityContextServerLogoutHandler(), new WebSessionServerLogoutHandler())))
			.build();
	}

	@Bean
	MapReactiveUserDetailsService users() {
		return new MapReactiveUserDetailsService(
				User.withUsername("alice").password("{noop}alice").roles("USER", "TRADER").build(),
				User.withUsername("bob").password("{noop}bob").roles("USER").build());
	}

}
