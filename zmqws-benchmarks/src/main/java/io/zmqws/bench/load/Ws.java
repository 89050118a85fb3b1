package io.zmqws.bench.load;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.zmqws.bench.Bench;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

/**
 * The load generator's WebSocket client: Reactor Netty, one event-loop group for every
 * connection (no thread per connection), no connection pool. Frames are handed to a
 * {@link FrameHandler} on the connection's event loop; writes go straight to the Netty
 * channel, so any thread may send.
 */
public final class Ws {

	private static final int MAX_FRAME = 1 << 20;

	private Ws() {
	}

	/** Receives the text (or binary) frames of one connection, on its event loop. */
	@FunctionalInterface
	public interface FrameHandler {

		/** {@code content} is valid only during the call. */
		void onFrame(Conn conn, ByteBuf content);

	}

	/** One open WebSocket connection. */
	public static final class Conn {

		private final FrameHandler handler;

		private volatile Channel channel;

		private final CompletableFuture<Void> firstFrame = new CompletableFuture<>();

		/** Free for the scenario: per-connection state. */
		public Object state;

		Conn(FrameHandler handler) {
			this.handler = handler;
		}

		public Channel channel() {
			return this.channel;
		}

		/**
		 * Completes when the first frame arrives: on the gateway, its {@code welcome}, which
		 * a client must wait for before it sends anything.
		 */
		public Mono<Void> firstFrame() {
			return Mono.fromFuture(this.firstFrame);
		}

		public void send(byte[] text) {
			this.channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(text)));
		}

		public void sendBinary(byte[] bytes) {
			this.channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
		}

		public void send(String text) {
			send(text.getBytes(StandardCharsets.UTF_8));
		}

		public boolean isOpen() {
			return this.channel != null && this.channel.isActive();
		}

		public void close() {
			Channel ch = this.channel;
			if (ch != null && ch.isActive()) {
				ch.writeAndFlush(new CloseWebSocketFrame(1000, "done")).addListener(ChannelFutureListener.CLOSE);
			}
		}

	}

	/** Opens one connection of its own over HTTP/1.1; completes once the handshake is done. */
	public static Mono<Conn> connect(URI uri, String subprotocol, FrameHandler handler) {
		return connect(HttpClient.newConnection(), uri, subprotocol, handler);
	}

	/**
	 * Opens one WebSocket with {@code client}: e.g. one speaking h2c, whose WebSockets are
	 * streams of a shared HTTP/2 connection (RFC 8441); completes once the handshake is done.
	 */
	public static Mono<Conn> connect(HttpClient client, URI uri, String subprotocol, FrameHandler handler) {
		WebsocketClientSpec.Builder spec = WebsocketClientSpec.builder().maxFramePayloadLength(MAX_FRAME);
		if (subprotocol != null) {
			spec.protocols(subprotocol);
		}
		Conn conn = new Conn(handler);
		return Mono.create((sink) -> client.websocket(spec.build())
			.uri(uri)
			.handle((in, out) -> {
				in.withConnection((connection) -> {
					conn.channel = connection.channel();
					sink.success(conn);
				});
				return in.aggregateFrames(MAX_FRAME).receiveFrames().doOnNext((WebSocketFrame frame) -> {
					if (frame instanceof CloseWebSocketFrame close && close.statusCode() != 1000) {
						// a server that closes a connection under load spoils the run: say why
						Bench.log("server closed a connection: " + close.statusCode() + " " + close.reasonText());
					}
					if (!(frame instanceof CloseWebSocketFrame)) {
						if (!conn.firstFrame.isDone()) {
							conn.firstFrame.complete(null);
						}
						conn.handler.onFrame(conn, frame.content());
					}
				}).then();
			})
			.subscribe(null, sink::error));
	}

	/**
	 * Opens {@code count} connections, at most {@code concurrency} handshakes at a time, each
	 * followed by {@code ready} (e.g. wait for "subscribed").
	 */
	public static List<Conn> connectMany(URI uri, String subprotocol, int count, int concurrency,
			Function<Integer, FrameHandler> handlers, Function<Conn, Mono<?>> ready, Duration timeout) {
		return connectMany(HttpClient.newConnection(), uri, subprotocol, count, concurrency, handlers, ready, timeout);
	}

	/** {@link #connectMany(URI, String, int, int, Function, Function, Duration)} with {@code client}. */
	public static List<Conn> connectMany(HttpClient client, URI uri, String subprotocol, int count, int concurrency,
			Function<Integer, FrameHandler> handlers, Function<Conn, Mono<?>> ready, Duration timeout) {
		List<Conn> conns = Flux.range(0, count)
			.flatMap((i) -> connect(client, uri, subprotocol, handlers.apply(i))
				.flatMap((c) -> ready.apply(c).thenReturn(c)),
					concurrency)
			.collectList()
			.block(timeout);
		return (conns != null) ? conns : new ArrayList<>();
	}

	public static void closeAll(List<Conn> conns) {
		for (Conn conn : conns) {
			conn.close();
		}
	}

	/** A future that {@code ready} handlers complete. */
	public static Mono<Void> when(CompletableFuture<?> future) {
		return Mono.fromFuture(future).then();
	}

}
