package io.zmqws.server;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.zmqws.protocol.CloseCodes;
import io.zmqws.protocol.ErrorCode;
import io.zmqws.protocol.ProtocolCodec;
import io.zmqws.protocol.ProtocolException;
import io.zmqws.protocol.ServerMessage;
import io.zmqws.pubsub.BrowserConnection;
import io.zmqws.pubsub.ConnectionRegistry;
import io.zmqws.rpc.RpcDispatcher;
import io.zmqws.security.AccessPolicy;
import io.zmqws.session.CloseReason;
import io.zmqws.session.SessionInfo;
import io.zmqws.session.SessionSettings;
import io.zmqws.session.ZmqwsSession;
import io.zmqws.socket.ZmqEndpoints;
import reactor.core.publisher.Flux;
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
 * {@link ZmqwsSession}, fed by {@code receive()} and drained by {@code send()}.
 * <p>
 * On shutdown, open connections are closed with {@value CloseCodes#GOING_AWAY} before the
 * web server and the ZeroMQ endpoints stop.
 */
public class ZmqwsWebSocketHandler implements WebSocketHandler, SmartLifecycle {

	private final ZmqEndpoints endpoints;

	private final ProtocolCodec codec;

	private final SessionSettings settings;

	private final RpcDispatcher rpc;

	private final ConnectionRegistry connections;

	private final AccessPolicy accessPolicy;

	private volatile boolean running;

	/**
	 * @param endpoints the named ZeroMQ endpoints
	 * @param rpc the RPC dispatcher, or {@code null} without RPC
	 * @param connections the registry of open connections
	 * @param accessPolicy decides what clients may reach
	 * @param codec the wire encoding
	 * @param settings per-connection limits
	 */
	public ZmqwsWebSocketHandler(ZmqEndpoints endpoints, RpcDispatcher rpc, ConnectionRegistry connections,
			AccessPolicy accessPolicy, ProtocolCodec codec, SessionSettings settings) {
		this.endpoints = endpoints;
		this.rpc = rpc;
		this.connections = connections;
		this.accessPolicy = accessPolicy;
		this.codec = codec;
		this.settings = settings;
	}

	@Override
	public List<String> getSubProtocols() {
		return List.of(this.codec.subprotocol());
	}

	/** The number of open connections. */
	public int connectionCount() {
		return this.connections.size();
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
			.flatMap((principal) -> serve(webSocket, new SessionInfo(UUID.randomUUID().toString(),
					this.codec.subprotocol(), principal.orElse(null), handshake.getRemoteAddress())));
	}

	private Mono<Void> serve(WebSocketSession webSocket, SessionInfo info) {
		ZmqwsSession session = new ZmqwsSession(info, this.endpoints, this.rpc, this.connections,
				this.accessPolicy, this.settings);
		Flux<WebSocketMessage> output = session.outbound().map((message) -> encode(webSocket, message));
		Mono<Void> input = webSocket.receive().concatMap((frame) -> receive(session, frame)).then();
		return webSocket.send(output)
			.then(Mono.defer(() -> closeIfAsked(webSocket, session)))
			.and(input.doFinally((signal) -> session.close()))
			.doFinally((signal) -> session.close());
	}

	private Mono<Void> receive(ZmqwsSession session, WebSocketMessage frame) {
		if (frame.getType() == WebSocketMessage.Type.PING || frame.getType() == WebSocketMessage.Type.PONG) {
			return Mono.empty();
		}
		if (this.codec.textFrames() != (frame.getType() == WebSocketMessage.Type.TEXT)) {
			session.reject(new ProtocolException(ErrorCode.BAD_MESSAGE, "Protocol " + this.codec.subprotocol()
					+ " expects " + (this.codec.textFrames() ? "text" : "binary") + " frames"));
			return Mono.empty();
		}
		DataBuffer payload = frame.getPayload();
		byte[] bytes = new byte[payload.readableByteCount()];
		payload.read(bytes);
		try {
			return session.handle(this.codec.decode(bytes));
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

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		for (BrowserConnection connection : this.connections.all()) {
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
