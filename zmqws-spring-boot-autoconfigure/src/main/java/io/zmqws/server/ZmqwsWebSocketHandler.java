package io.zmqws.server;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.zmqws.protocol.CloseCodes;
import io.zmqws.protocol.ErrorCode;
import io.zmqws.protocol.ProtocolCodec;
import io.zmqws.protocol.ProtocolCodecs;
import io.zmqws.protocol.ProtocolException;
import io.zmqws.protocol.ServerMessage;
import io.zmqws.pubsub.BrowserConnection;
import io.zmqws.session.CloseReason;
import io.zmqws.session.SessionInfo;
import io.zmqws.session.SessionServices;
import io.zmqws.session.ZmqwsSession;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * Serves the zmqws protocol on WebSocket connections: each connection is one
 * {@link ZmqwsSession}, fed by {@code receive()} and drained by {@code send()}, in the
 * encoding its subprotocol selects.
 * <p>
 * On shutdown, open connections are closed with {@value CloseCodes#GOING_AWAY} before the
 * web server and the ZeroMQ endpoints stop.
 */
public class ZmqwsWebSocketHandler implements WebSocketHandler, SmartLifecycle {

	private final SessionServices services;

	private final ProtocolCodecs codecs;

	private final KeepAliveTicker keepAlive;

	private final WebSessions webSessions;

	private volatile boolean running;

	/**
	 * @param services what every session shares
	 * @param codecs the wire encodings, by subprotocol
	 * @param keepAlive how often to ping clients and when to give up on silent ones
	 * @param webSessions the browser sessions connections are opened under
	 */
	public ZmqwsWebSocketHandler(SessionServices services, ProtocolCodecs codecs, KeepAlive keepAlive,
			WebSessions webSessions) {
		this.services = services;
		this.codecs = codecs;
		this.keepAlive = new KeepAliveTicker(keepAlive, webSessions::ended);
		this.webSessions = webSessions;
	}

	@Override
	public List<String> getSubProtocols() {
		return this.codecs.subprotocols();
	}

	/** The number of open connections. */
	public int connectionCount() {
		return this.services.connections().size();
	}

	/** The number of connections the keep-alive looks after. */
	int keptAliveCount() {
		return this.keepAlive.size();
	}

	@Override
	public Mono<Void> handle(WebSocketSession webSocket) {
		return handle(webSocket, HttpVersions.HTTP_1_1, null);
	}

	/**
	 * A handler for one handshake, which knows what the upgrade request cannot pass on.
	 * @param http the HTTP version of the handshake
	 * @param webSessionId the browser's web session id, or {@code null}
	 */
	WebSocketHandler forHandshake(String http, String webSessionId) {
		return new WebSocketHandler() {

			@Override
			public List<String> getSubProtocols() {
				return ZmqwsWebSocketHandler.this.getSubProtocols();
			}

			@Override
			public Mono<Void> handle(WebSocketSession session) {
				return ZmqwsWebSocketHandler.this.handle(session, http, webSessionId);
			}

		};
	}

	private Mono<Void> handle(WebSocketSession webSocket, String http, String webSessionId) {
		if (!this.running) {
			return webSocket.close(new CloseStatus(CloseCodes.GOING_AWAY, "Server is not accepting connections"));
		}
		HandshakeInfo handshake = webSocket.getHandshakeInfo();
		ProtocolCodec found = this.codecs.find(handshake.getSubProtocol());
		ProtocolCodec codec = (found != null) ? found : this.codecs.defaultCodec();
		return handshake.getPrincipal()
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((principal) -> serve(webSocket, codec,
					new SessionInfo(UUID.randomUUID().toString(), codec.subprotocol(), principal.orElse(null),
							handshake.getRemoteAddress(), webSessionId, "websocket", http, null)));
	}

	private Mono<Void> serve(WebSocketSession webSocket, ProtocolCodec codec, SessionInfo info) {
		if (info.principal() != null && this.services.connections().ofUser(info.principal().getName()).size()
				>= this.services.settings().maxConnectionsPerUser()) {
			return webSocket.close(new CloseStatus(CloseCodes.POLICY_VIOLATION, "Too many connections"));
		}
		ZmqwsSession session = new ZmqwsSession(info, this.services);
		AtomicLong lastActivity = new AtomicLong(System.nanoTime());
		KeepAliveTicker.Connection kept = this.keepAlive.add(webSocket, session, lastActivity);
		// Copy each frame while it is valid: the transport releases its buffer after onNext,
		// before concatMap (which waits for asynchronous access decisions) gets to it.
		// The next frame is asked for only when the outbound queue has room for its answer.
		Mono<Void> input = webSocket.receive()
			.map(Inbound::copyOf)
			.concatMap((frame) -> receive(session, codec, frame, lastActivity).then(session.outboundRoom()), 0)
			.then();
		return send(webSocket, session, codec)
			.then(Mono.defer(() -> closeIfAsked(webSocket, session)))
			.and(input.doFinally((signal) -> session.close()))
			.doFinally((signal) -> {
				this.keepAlive.remove(kept);
				session.close();
				this.webSessions.forget(session.webSessionId());
			});
	}

	/** A received frame's type and a copy of its bytes. */
	private record Inbound(WebSocketMessage.Type type, byte[] bytes) {

		static Inbound copyOf(WebSocketMessage frame) {
			DataBuffer payload = frame.getPayload();
			byte[] bytes = new byte[payload.readableByteCount()];
			payload.read(bytes);
			return new Inbound(frame.getType(), bytes);
		}

	}

	private Mono<Void> receive(ZmqwsSession session, ProtocolCodec codec, Inbound frame, AtomicLong lastActivity) {
		lastActivity.set(System.nanoTime());
		if (frame.type() == WebSocketMessage.Type.PING || frame.type() == WebSocketMessage.Type.PONG) {
			return Mono.empty();
		}
		if (!session.withinRate()) {
			return Mono.empty();
		}
		if (codec.textFrames() != (frame.type() == WebSocketMessage.Type.TEXT)) {
			session.reject(new ProtocolException(ErrorCode.BAD_MESSAGE, "Protocol " + codec.subprotocol()
					+ " expects " + (codec.textFrames() ? "text" : "binary") + " frames"));
			return Mono.empty();
		}
		try {
			return session.handle(codec.decode(frame.bytes()));
		}
		catch (ProtocolException ex) {
			session.reject(ex);
			return Mono.empty();
		}
	}

	private static Mono<Void> send(WebSocketSession webSocket, ZmqwsSession session, ProtocolCodec codec) {
		if (ReactorNettyFrames.supports(webSocket)) {
			return ReactorNettyFrames.send(webSocket, session, codec);
		}
		return webSocket.send(session.outbound((message) -> encode(webSocket, codec, message)));
	}

	private static WebSocketMessage encode(WebSocketSession webSocket, ProtocolCodec codec, ServerMessage message) {
		DataBuffer buffer = webSocket.bufferFactory().wrap(codec.encode(message));
		WebSocketMessage.Type type = codec.textFrames() ? WebSocketMessage.Type.TEXT : WebSocketMessage.Type.BINARY;
		return new WebSocketMessage(type, buffer);
	}

	private Mono<Void> closeIfAsked(WebSocketSession webSocket, ZmqwsSession session) {
		CloseReason reason = session.closeReason();
		return (reason != null) ? webSocket.close(new CloseStatus(reason.code(), reason.reason())) : Mono.empty();
	}

	@Override
	public void start() {
		this.running = true;
		this.keepAlive.start();
	}

	@Override
	public void stop() {
		this.running = false;
		this.keepAlive.stop();
		for (BrowserConnection connection : this.services.connections().all()) {
			if (connection instanceof ZmqwsSession session) {
				session.closeWith(new CloseReason(CloseCodes.GOING_AWAY, "Server is shutting down"));
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
