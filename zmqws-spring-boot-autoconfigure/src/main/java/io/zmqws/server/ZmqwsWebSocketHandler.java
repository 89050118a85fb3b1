package io.zmqws.server;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.zmqws.protocol.CloseCodes;
import io.zmqws.protocol.ErrorCode;
import io.zmqws.protocol.ProtocolCodec;
import io.zmqws.protocol.ProtocolException;
import io.zmqws.protocol.ServerMessage;
import io.zmqws.pubsub.BrowserConnection;
import io.zmqws.session.CloseReason;
import io.zmqws.session.SessionInfo;
import io.zmqws.session.SessionServices;
import io.zmqws.session.ZmqwsSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.server.WebSession;

/**
 * Serves the zmqws protocol on WebSocket connections: each connection is one
 * {@link ZmqwsSession}, fed by {@code receive()} and drained by {@code send()}.
 * <p>
 * On shutdown, open connections are closed with {@value CloseCodes#GOING_AWAY} before the
 * web server and the ZeroMQ endpoints stop.
 */
public class ZmqwsWebSocketHandler implements WebSocketHandler, SmartLifecycle {

	private final SessionServices services;

	private final ProtocolCodec codec;

	private final KeepAliveTicker keepAlive;

	private final Map<String, WebSession> webSessions = new ConcurrentHashMap<>();

	/** The handshake attribute holding the browser's web session id, when it has one. */
	public static final String WEB_SESSION_ID = "zmqws.webSessionId";

	private volatile boolean running;

	/**
	 * @param services what every session shares
	 * @param codec the wire encoding
	 * @param keepAlive how often to ping clients and when to give up on silent ones
	 */
	public ZmqwsWebSocketHandler(SessionServices services, ProtocolCodec codec, KeepAlive keepAlive) {
		this.services = services;
		this.codec = codec;
		this.keepAlive = new KeepAliveTicker(keepAlive, this::webSessionEnded);
	}

	@Override
	public List<String> getSubProtocols() {
		return List.of(this.codec.subprotocol());
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
		if (!this.running) {
			return webSocket.close(new CloseStatus(CloseCodes.GOING_AWAY, "Server is not accepting connections"));
		}
		HandshakeInfo handshake = webSocket.getHandshakeInfo();
		return handshake.getPrincipal()
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((principal) -> serve(webSocket,
					new SessionInfo(UUID.randomUUID().toString(), this.codec.subprotocol(), principal.orElse(null),
							handshake.getRemoteAddress(), (String) handshake.getAttributes().get(WEB_SESSION_ID))));
	}

	private Mono<Void> serve(WebSocketSession webSocket, SessionInfo info) {
		if (info.principal() != null && this.services.connections().ofUser(info.principal().getName()).size()
				>= this.services.settings().maxConnectionsPerUser()) {
			return webSocket.close(new CloseStatus(CloseCodes.POLICY_VIOLATION, "Too many connections"));
		}
		ZmqwsSession session = new ZmqwsSession(info, this.services);
		AtomicLong lastActivity = new AtomicLong(System.nanoTime());
		KeepAliveTicker.Connection kept = this.keepAlive.add(webSocket, session, lastActivity);
		Flux<WebSocketMessage> output = session.outbound().map((message) -> encode(webSocket, message));
		// Copy each frame while it is valid: the transport releases its buffer after onNext,
		// before concatMap (which waits for asynchronous access decisions) gets to it.
		Mono<Void> input = webSocket.receive()
			.map(Inbound::copyOf)
			.concatMap((frame) -> receive(session, frame, lastActivity), 0)
			.then();
		return webSocket.send(output)
			.then(Mono.defer(() -> closeIfAsked(webSocket, session)))
			.and(input.doFinally((signal) -> session.close()))
			.doFinally((signal) -> {
				this.keepAlive.remove(kept);
				session.close();
				forgetWebSession(session.webSessionId());
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

	private Mono<Void> receive(ZmqwsSession session, Inbound frame, AtomicLong lastActivity) {
		lastActivity.set(System.nanoTime());
		if (frame.type() == WebSocketMessage.Type.PING || frame.type() == WebSocketMessage.Type.PONG) {
			return Mono.empty();
		}
		if (!session.withinRate()) {
			return Mono.empty();
		}
		if (this.codec.textFrames() != (frame.type() == WebSocketMessage.Type.TEXT)) {
			session.reject(new ProtocolException(ErrorCode.BAD_MESSAGE, "Protocol " + this.codec.subprotocol()
					+ " expects " + (this.codec.textFrames() ? "text" : "binary") + " frames"));
			return Mono.empty();
		}
		try {
			return session.handle(this.codec.decode(frame.bytes()));
		}
		catch (ProtocolException ex) {
			session.reject(ex);
			return Mono.empty();
		}
	}

	private WebSocketMessage encode(WebSocketSession webSocket, ServerMessage message) {
		DataBuffer buffer = webSocket.bufferFactory().wrap(this.codec.encode(message));
		WebSocketMessage.Type type = this.codec.textFrames() ? WebSocketMessage.Type.TEXT
				: WebSocketMessage.Type.BINARY;
		return new WebSocketMessage(type, buffer);
	}

	private Mono<Void> closeIfAsked(WebSocketSession webSocket, ZmqwsSession session) {
		CloseReason reason = session.closeReason();
		return (reason != null) ? webSocket.close(new CloseStatus(reason.code(), reason.reason())) : Mono.empty();
	}

	/**
	 * Keeps the browser session a handshake came with, so that its connections close when
	 * it ends (expires or is invalidated).
	 */
	void rememberWebSession(WebSession session) {
		this.webSessions.put(session.getId(), session);
	}

	private void forgetWebSession(String id) {
		if (id != null && this.services.connections()
			.all()
			.stream()
			.noneMatch((connection) -> connection instanceof ZmqwsSession other && id.equals(other.webSessionId()))) {
			this.webSessions.remove(id);
		}
	}

	private boolean webSessionEnded(ZmqwsSession session) {
		String id = session.webSessionId();
		WebSession webSession = (id != null) ? this.webSessions.get(id) : null;
		if (webSession != null && webSession.isExpired()) {
			this.webSessions.remove(id, webSession);
			return true;
		}
		return false;
	}

	/** Closes, with 1008, the connections opened under a web session (on logout). */
	public void closeWebSession(String webSessionId) {
		for (BrowserConnection connection : this.services.connections().all()) {
			if (connection instanceof ZmqwsSession session && webSessionId.equals(session.webSessionId())) {
				session.closeWith(new CloseReason(CloseCodes.POLICY_VIOLATION, "Logged out"));
			}
		}
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
