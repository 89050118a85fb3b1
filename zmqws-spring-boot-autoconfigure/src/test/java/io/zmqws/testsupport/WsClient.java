package io.zmqws.testsupport;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real WebSocket client (Reactor Netty) that records every message it receives as
 * JSON, for assertions.
 */
public final class WsClient implements AutoCloseable {

	public static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

	private final List<JsonNode> received = new ArrayList<>();

	private final Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();

	private final CompletableFuture<Void> connected = new CompletableFuture<>();

	private final CompletableFuture<WebSocketCloseStatus> closeStatus = new CompletableFuture<>();

	private final Disposable connection;

	private String selectedProtocol;

	private volatile boolean overHttp2;

	private WsClient(HttpClient http, URI uri, String protocol, Map<String, String> headers) {
		WebsocketClientSpec.Builder spec = WebsocketClientSpec.builder().maxFramePayloadLength(64 * 1024 * 1024);
		if (protocol != null) {
			spec.protocols(protocol);
		}
		this.connection = http.headers((h) -> headers.forEach(h::set))
			.websocket(spec.build())
			.uri(uri)
			.handle((in, out) -> {
				this.selectedProtocol = in.selectedSubprotocol();
				in.withConnection((c) -> this.overHttp2 = c.channel() instanceof Http2StreamChannel);
				in.receiveCloseStatus().subscribe(this.closeStatus::complete);
				this.connected.complete(null);
				Mono<Void> receiving = in.aggregateFrames(64 * 1024 * 1024)
					.receiveFrames()
					.doOnNext((frame) -> {
						if (frame instanceof TextWebSocketFrame text) {
							add(JSON.readTree(text.text()));
						}
						else if (frame instanceof BinaryWebSocketFrame binary && "zmqws.v1.msgpack".equals(protocol)) {
							byte[] bytes = new byte[binary.content().readableBytes()];
							binary.content().getBytes(binary.content().readerIndex(), bytes);
							add(Msgpack.read(bytes));
						}
					})
					.then();
				Mono<Void> sending = out.sendObject(this.outbound.asFlux()).then();
				return Mono.when(receiving, sending);
			})
			.doOnError(this.connected::completeExceptionally)
			.subscribe(null, this.connected::completeExceptionally);
		this.connected.orTimeout(30, TimeUnit.SECONDS).join();
		// The protocol: send nothing before welcome (a frame racing the end of the
		// handshake may be lost by the server's transport). A refused connection is
		// closed instead.
		awaitWelcomeOrClose();
	}

	private synchronized void awaitWelcomeOrClose() {
		long deadline = System.nanoTime() + DEFAULT_WAIT.toNanos();
		while (!this.closeStatus.isDone()
				&& this.received.stream().noneMatch((m) -> m.path("op").asString().equals("welcome"))) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new AssertionError("Neither welcome nor close within " + DEFAULT_WAIT);
			}
			try {
				TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	/** Connects to {@code ws://localhost:port/zmqws} offering the v1 JSON subprotocol. */
	public static WsClient connect(int port) {
		return connect(URI.create("ws://127.0.0.1:" + port + "/zmqws"), "zmqws.v1.json");
	}

	public static WsClient connect(URI uri, String protocol) {
		return new WsClient(HttpClient.create(), uri, protocol, Map.of());
	}

	/** Connects with extra handshake headers, e.g. {@code Authorization} or {@code Origin}. */
	public static WsClient connect(int port, Map<String, String> headers) {
		return new WsClient(HttpClient.create(), URI.create("ws://127.0.0.1:" + port + "/zmqws"), "zmqws.v1.json",
				headers);
	}

	/**
	 * Connects with a configured client, e.g. one speaking HTTP/2 (which then opens the
	 * WebSocket with an extended CONNECT, RFC 8441) or trusting a test certificate.
	 */
	public static WsClient connect(HttpClient http, URI uri, String protocol, Map<String, String> headers) {
		return new WsClient(http, uri, protocol, headers);
	}

	public String selectedProtocol() {
		return this.selectedProtocol;
	}

	/** Whether the WebSocket runs over an HTTP/2 stream rather than its own connection. */
	public boolean overHttp2() {
		return this.overHttp2;
	}

	private synchronized void add(JsonNode message) {
		this.received.add(message);
		notifyAll();
	}

	/** Sends a text frame. */
	public WsClient send(String text) {
		this.outbound.emitNext(new TextWebSocketFrame(text), Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(5)));
		return this;
	}

	/** Sends a binary frame. */
	public WsClient sendBinary(byte[] bytes) {
		this.outbound.emitNext(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)),
				Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(5)));
		return this;
	}

	/** Waits for the first received message matching {@code condition}. */
	public JsonNode await(Predicate<JsonNode> condition) {
		return await(condition, DEFAULT_WAIT);
	}

	public synchronized JsonNode await(Predicate<JsonNode> condition, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			for (JsonNode message : this.received) {
				if (condition.test(message)) {
					return message;
				}
			}
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new AssertionError("No matching message within " + timeout + "; received " + this.received);
			}
			try {
				TimeUnit.NANOSECONDS.timedWait(this, left);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	/** Waits for the message with {@code op} (and {@code id}, when not null). */
	public JsonNode awaitOp(String op, Long id) {
		return await((message) -> op.equals(message.path("op").asString())
				&& (id == null || message.path("id").asLong(-1) == id));
	}

	/**
	 * Opens socket {@code sid} on the REQ endpoint {@code endpoint} and requests
	 * {@code text}, again while the answer is {@code backend_unavailable} (the gateway may
	 * still be connecting to the backend), for up to 30 s; returns the reply.
	 */
	public JsonNode requestWhenConnected(long sid, String endpoint, String text) {
		send("{\"op\":\"open\",\"sid\":" + sid + ",\"endpoint\":\"" + endpoint + "\"}");
		long deadline = System.nanoTime() + DEFAULT_WAIT.toNanos();
		for (long id = 1;; id++) {
			long expected = id;
			send("{\"op\":\"request\",\"sid\":" + sid + ",\"id\":" + id + ",\"frames\":[\"" + text + "\"]}");
			JsonNode answer = await((m) -> m.path("id").asLong(-1) == expected);
			if (answer.path("op").asString().equals("reply")) {
				return answer;
			}
			if (!answer.path("code").asString().equals("backend_unavailable") || System.nanoTime() > deadline) {
				throw new AssertionError("No reply to a request on " + endpoint + ": " + answer);
			}
		}
	}

	/** Waits until {@code count} messages match. */
	public synchronized List<JsonNode> awaitCount(Predicate<JsonNode> condition, int count, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			List<JsonNode> matching = this.received.stream().filter(condition).toList();
			if (matching.size() >= count) {
				return matching;
			}
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new AssertionError("Only " + matching.size() + " of " + count + " messages within " + timeout);
			}
			try {
				TimeUnit.NANOSECONDS.timedWait(this, left);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	/** Every message received so far. */
	public synchronized List<JsonNode> received() {
		return List.copyOf(this.received);
	}

	/** Waits for the server to close the connection and returns its status. */
	public WebSocketCloseStatus awaitClose() {
		return this.closeStatus.orTimeout(30, TimeUnit.SECONDS).join();
	}

	public boolean isClosed() {
		return this.closeStatus.isDone();
	}

	@Override
	public void close() {
		this.outbound.tryEmitComplete();
		this.connection.dispose();
	}

}
