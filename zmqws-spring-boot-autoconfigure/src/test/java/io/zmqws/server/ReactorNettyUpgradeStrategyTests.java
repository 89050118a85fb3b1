package io.zmqws.server;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.socket.HandshakeInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReactorNettyUpgradeStrategy}: the connection gets the handshake's
 * principal, remote address, sub-protocol, URI and attributes, but no copy of the
 * request's headers and cookies.
 */
class ReactorNettyUpgradeStrategyTests {

	@Test
	void connectionKeepsWhatTheGatewayReadsButNotTheHeadersAndCookies() {
		HttpHeaders headers = new HttpHeaders();
		headers.add(HttpHeaders.USER_AGENT, "test");
		headers.add(HttpHeaders.COOKIE, "SESSION=s-1");
		MultiValueMap<String, HttpCookie> cookies = new LinkedMultiValueMap<>();
		cookies.add("SESSION", new HttpCookie("SESSION", "s-1"));
		Principal alice = () -> "alice";
		InetSocketAddress remote = new InetSocketAddress("127.0.0.1", 4242);
		Map<String, Object> attributes = Map.of("an.attribute", "w-1");
		HandshakeInfo full = new HandshakeInfo(URI.create("ws://localhost/zmqws"), headers, cookies, Mono.just(alice),
				"zmqws.v1.json", remote, attributes, "[1] ");
		HandshakeInfo lean = ReactorNettyUpgradeStrategy.lean(full);
		assertThat(lean.getHeaders().isEmpty()).isTrue();
		assertThat(lean.getCookies()).isEmpty();
		assertThat(lean.getPrincipal().block()).isSameAs(alice);
		assertThat(lean.getRemoteAddress()).isEqualTo(remote);
		assertThat(lean.getSubProtocol()).isEqualTo("zmqws.v1.json");
		assertThat(lean.getUri()).isEqualTo(full.getUri());
		assertThat(lean.getAttributes()).isEqualTo(attributes);
		assertThat(lean.getLogPrefix()).isEqualTo("[1] ");
	}

}
