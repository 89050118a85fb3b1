package io.zmqws.security;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.zmqws.rpc.ZmqRpc;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.security.authorization.event.AuthorizationDeniedEvent;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverterAdapter;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * A gateway behind Spring Security: HTTP Basic with two users, and bearer JWTs (also as
 * an {@code access_token} query parameter, since browsers cannot set WebSocket headers).
 */
@SpringBootApplication
@EnableMethodSecurity
public class SecuredGatewayApplication {

	static final byte[] SECRET = "a-test-secret-of-at-least-256-bits-for-hmac-sha256!"
		.getBytes(StandardCharsets.UTF_8);

	static final List<AuthorizationDeniedEvent<?>> deniedEvents = new CopyOnWriteArrayList<>();

	/**
	 * With {@code test.anonymous-handshake=true} the gateway's paths let anonymous clients
	 * in too, as an application taking in-band {@code auth} tokens does.
	 */
	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, ReactiveJwtDecoder jwtDecoder,
			ReactiveJwtAuthenticationConverterAdapter jwtConverter,
			@Value("${test.anonymous-handshake:false}") boolean anonymousHandshake) {
		ServerBearerTokenAuthenticationConverter bearer = new ServerBearerTokenAuthenticationConverter();
		bearer.setAllowUriQueryParameter(true);
		String[] gateway = { "/zmqws", "/zmqws/sse", "/zmqws/sse/*" };
		return http.authorizeExchange((exchanges) -> {
			if (anonymousHandshake) {
				exchanges.pathMatchers(gateway).permitAll();
			}
			exchanges.pathMatchers(gateway).authenticated().anyExchange().permitAll();
		})
			.httpBasic((basic) -> {
			})
			.oauth2ResourceServer((server) -> server.bearerTokenConverter(bearer)
				.jwt((jwt) -> jwt.jwtDecoder(jwtDecoder)
					.jwtAuthenticationConverter(jwtConverter)))
			.build();
	}

	/** Roles from the token's {@code roles} claim; also used for in-band tokens. */
	@Bean
	ReactiveJwtAuthenticationConverterAdapter jwtAuthenticationConverter() {
		JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
		roles.setAuthoritiesClaimName("roles");
		roles.setAuthorityPrefix("ROLE_");
		JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
		converter.setJwtGrantedAuthoritiesConverter(roles);
		return new ReactiveJwtAuthenticationConverterAdapter(converter);
	}

	@Bean
	ReactiveJwtDecoder jwtDecoder() {
		return NimbusReactiveJwtDecoder.withSecretKey(new SecretKeySpec(SECRET, "HmacSHA256"))
			.macAlgorithm(MacAlgorithm.HS256)
			.build();
	}

	@Bean
	MapReactiveUserDetailsService users() {
		return new MapReactiveUserDetailsService(
				User.withUsername("alice").password("{noop}alice-pw").roles("TRADER").build(),
				User.withUsername("bob").password("{noop}bob-pw").roles("USER").build());
	}

	@Bean
	Desk desk() {
		return new Desk();
	}

	@Bean
	Admin admin() {
		return new Admin();
	}

	@EventListener
	void onDenied(AuthorizationDeniedEvent<?> event) {
		deniedEvents.add(event);
	}

	/** A signed JWT for {@code subject} with {@code roles}, expiring at {@code expiresAt}. */
	static String token(String subject, Instant expiresAt, String... roles) {
		try {
			JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject)
				.claim("roles", new ArrayList<>(List.of(roles)))
				.issueTime(new Date())
				.expirationTime(Date.from(expiresAt))
				.build();
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
			jwt.sign(new MACSigner(SECRET));
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Methods every authenticated user may call, one guarded by an argument. */
	@ZmqRpc("desk")
	public static class Desk {

		static final AtomicInteger quotes = new AtomicInteger();

		public String whoAmI(Principal principal) {
			return principal.getName();
		}

		@PreAuthorize("hasRole('TRADER')")
		public reactor.core.publisher.Mono<String> book() {
			return reactor.core.publisher.Mono.just("the order book");
		}

		@PreAuthorize("#symbol != 'BTC' or hasRole('TRADER')")
		public String quote(String symbol) {
			quotes.incrementAndGet();
			return symbol + "=1.0";
		}

	}

	/** Methods no rule allows. */
	@ZmqRpc("admin")
	public static class Admin {

		static final AtomicInteger calls = new AtomicInteger();

		public String shutdown() {
			calls.incrementAndGet();
			return "bye";
		}

	}

}
