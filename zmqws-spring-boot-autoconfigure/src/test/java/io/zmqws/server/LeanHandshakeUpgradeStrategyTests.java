package io.zmqws.server;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LeanHandshakeUpgradeStrategy}: the connection gets the handshake's
 * principal, remote address, sub-protocol, URI and attributes, but no copy of the
 * request's headers and cookies.
 */
class LeanHandshakeUpgradeStrategyTests {

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
		AtomicReference<HandshakeInfo> given = new AtomicReference<>();
		RequestUpgradeStrategy upgrading = (exchange, handler, subProtocol, handshakeInfo) -> {
			given.set(handshakeInfo.get());
			return Mono.empty();
		};
		WebSocketHandler handler = (session) -> Mono.empty();
		new LeanHandshakeUpgradeStrategy(upgrading)
			.upgrade(MockServerWebExchange.from(MockServerHttpRequest.get("/zmqws")), handler, "zmqws.v1.json",
					() -> full)
			.block();
		HandshakeInfo lean = given.get();
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
