package io.zmqws.server;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.zmqws.protocol.ProtocolCodec;
import io.zmqws.protocol.ServerMessage;
import io.zmqws.session.ZmqwsSession;
import reactor.core.publisher.Mono;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.util.ClassUtils;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;

/**
 * Sends a session's messages on a Reactor Netty WebSocket as Netty frames, without the
 * {@code WebSocketMessage} and {@code DataBuffer} per message that
 * {@link WebSocketSession#send} needs: Reactor Netty's send fuses with the session's
 * queue and polls it on the connection's event loop, so the connection keeps no second
 * queue and each message is encoded just before it is written.
 */
final class ReactorNettyFrames {

	private static final boolean PRESENT = ClassUtils.isPresent("reactor.netty.http.websocket.WebsocketOutbound",
			ReactorNettyFrames.class.getClassLoader());

	private ReactorNettyFrames() {
	}

	/** Whether {@code webSocket} came from {@link ReactorNettyUpgradeStrategy}, so that {@link #send} applies. */
	static boolean supports(WebSocketSession webSocket) {
		return PRESENT && webSocket instanceof Session;
	}

	/** Sends everything {@code session} queues for its client, until the session ends. */
	static Mono<Void> send(WebSocketSession webSocket, ZmqwsSession session, ProtocolCodec codec) {
		boolean text = codec.textFrames();
		return ((Session) webSocket).outbound()
			.sendObject(session.outbound((message) -> frame(codec, text, message)))
			.then();
	}

	private static WebSocketFrame frame(ProtocolCodec codec, boolean text, ServerMessage message) {
		byte[] bytes = codec.encode(message);
		return text ? new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes))
				: new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
	}

	/** Spring's Reactor Netty session, which lets zmqws reach the Netty outbound. */
	static final class Session extends ReactorNettyWebSocketSession {

		Session(WebsocketInbound inbound, WebsocketOutbound outbound, HandshakeInfo info,
				NettyDataBufferFactory bufferFactory, int maxFramePayloadLength) {
			super(inbound, outbound, info, bufferFactory, maxFramePayloadLength);
		}

		WebsocketOutbound outbound() {
			return getDelegate().getOutbound();
		}

	}

}
