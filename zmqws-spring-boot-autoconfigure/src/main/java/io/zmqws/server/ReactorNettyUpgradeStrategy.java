package io.zmqws.server;

import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;

/**
 * Upgrades a Reactor Netty request to a WebSocket as Spring's
 * {@code ReactorNettyRequestUpgradeStrategy} does, with two differences that matter for
 * many long-lived connections:
 * <ul>
 * <li>the connection's {@link HandshakeInfo} keeps no copy of the request's headers and
 * cookies (a few kilobytes each); the principal, the remote address, the sub-protocol,
 * the URI and the handshake attributes stay, which is what a zmqws connection reads after
 * the handshake;</li>
 * <li>the session lets zmqws write Netty frames itself ({@link ReactorNettyFrames}).</li>
 * </ul>
 */
public final class ReactorNettyUpgradeStrategy implements RequestUpgradeStrategy {

	private static final MultiValueMap<String, HttpCookie> NO_COOKIES = CollectionUtils
		.unmodifiableMultiValueMap(new LinkedMultiValueMap<>());

	private final Supplier<WebsocketServerSpec.Builder> specs;

	/**
	 * @param specs a new builder of the WebSocket settings for each upgrade, which sets
	 * the sub-protocol on it
	 */
	public ReactorNettyUpgradeStrategy(Supplier<WebsocketServerSpec.Builder> specs) {
		this.specs = specs;
	}

	/** The WebSocket settings of an upgrade without a sub-protocol. */
	public WebsocketServerSpec getWebsocketServerSpec() {
		return this.specs.get().build();
	}

	@Override
	public Mono<Void> upgrade(ServerWebExchange exchange, WebSocketHandler handler, String subProtocol,
			Supplier<HandshakeInfo> handshakeInfoFactory) {
		ServerHttpResponse response = exchange.getResponse();
		HttpServerResponse nettyResponse = ServerHttpResponseDecorator.getNativeResponse(response);
		HandshakeInfo info = lean(handshakeInfoFactory.get());
		NettyDataBufferFactory bufferFactory = (NettyDataBufferFactory) response.bufferFactory();
		// setComplete() runs WebFlux's pre-commit actions (such as saving the web session)
		return response.setComplete().then(Mono.defer(() -> {
			WebsocketServerSpec.Builder builder = this.specs.get();
			if (subProtocol != null) {
				builder.protocols(subProtocol);
			}
			WebsocketServerSpec spec = builder.build();
			return nettyResponse.sendWebsocket((in, out) -> handler.handle(new ReactorNettyFrames.Session(in, out, info,
					bufferFactory, spec.maxFramePayloadLength())), spec);
		}));
	}

	static HandshakeInfo lean(HandshakeInfo info) {
		return new HandshakeInfo(info.getUri(), HttpHeaders.EMPTY, NO_COOKIES, info.getPrincipal(), info.getSubProtocol(),
				info.getRemoteAddress(), info.getAttributes(), info.getLogPrefix());
	}

}
