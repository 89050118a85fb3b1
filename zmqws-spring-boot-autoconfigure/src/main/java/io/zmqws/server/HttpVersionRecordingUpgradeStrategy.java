package io.zmqws.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;

/**
 * Reactor Netty's upgrade to WebSocket, recording in each handshake's attributes, under
 * {@value #HTTP_VERSION_ATTRIBUTE}, the HTTP version the WebSocket runs over:
 * {@code "2"} for an extended {@code CONNECT} (RFC 8441, the only way a WebSocket runs
 * over an HTTP/2 stream), {@code "1.1"} for a {@code GET} with
 * {@code Upgrade: websocket} (RFC 6455).
 */
public class HttpVersionRecordingUpgradeStrategy extends ReactorNettyRequestUpgradeStrategy {

	/** The handshake attribute holding {@code "1.1"} or {@code "2"}. */
	public static final String HTTP_VERSION_ATTRIBUTE = "zmqws.http";

	private static final HttpMethod CONNECT = HttpMethod.valueOf("CONNECT");

	/**
	 * @param specBuilder gives the WebSocket settings for each upgrade
	 */
	public HttpVersionRecordingUpgradeStrategy(Supplier<WebsocketServerSpec.Builder> specBuilder) {
		super(specBuilder);
	}

	@Override
	public Mono<Void> upgrade(ServerWebExchange exchange, WebSocketHandler handler, String subProtocol,
			Supplier<HandshakeInfo> handshakeInfoFactory) {
		String version = CONNECT.equals(exchange.getRequest().getMethod()) ? "2" : "1.1";
		return super.upgrade(exchange, handler, subProtocol, () -> {
			HandshakeInfo info = handshakeInfoFactory.get();
			Map<String, Object> attributes = new LinkedHashMap<>(info.getAttributes());
			attributes.put(HTTP_VERSION_ATTRIBUTE, version);
			return new HandshakeInfo(info.getUri(), info.getHeaders(), info.getCookies(), info.getPrincipal(),
					info.getSubProtocol(), info.getRemoteAddress(), attributes, info.getLogPrefix());
		});
	}

}
