package io.zmqws.server;

import java.util.function.Supplier;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;

/**
 * Upgrades like the strategy it wraps, but hands the connection a {@link HandshakeInfo}
 * without the copy of the request's headers and cookies that would otherwise stay in
 * memory for as long as the connection lives (a few kilobytes each). The principal, the
 * remote address, the sub-protocol, the URI and the handshake attributes stay: they are
 * what a zmqws connection reads after the handshake.
 */
public final class LeanHandshakeUpgradeStrategy implements RequestUpgradeStrategy {

	private static final MultiValueMap<String, HttpCookie> NO_COOKIES = CollectionUtils
		.unmodifiableMultiValueMap(new LinkedMultiValueMap<>());

	private final RequestUpgradeStrategy delegate;

	public LeanHandshakeUpgradeStrategy(RequestUpgradeStrategy delegate) {
		this.delegate = delegate;
	}

	/** The strategy that performs the upgrade. */
	public RequestUpgradeStrategy getDelegate() {
		return this.delegate;
	}

	@Override
	public Mono<Void> upgrade(ServerWebExchange exchange, WebSocketHandler handler, String subProtocol,
			Supplier<HandshakeInfo> handshakeInfoFactory) {
		return this.delegate.upgrade(exchange, handler, subProtocol, () -> lean(handshakeInfoFactory.get()));
	}

	static HandshakeInfo lean(HandshakeInfo info) {
		return new HandshakeInfo(info.getUri(), HttpHeaders.EMPTY, NO_COOKIES, info.getPrincipal(), info.getSubProtocol(),
				info.getRemoteAddress(), info.getAttributes(), info.getLogPrefix());
	}

}
