package io.zmqws.bench.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The framework's ceiling: Reactor Netty alone, no Spring, no protocol.
 * <ul>
 * <li>{@code /echo}: sends every text frame back as it came (the idiomatic
 * {@code out.sendObject(in.receiveFrames())}).</li>
 * <li>{@code /broadcast}: a subscriber; it receives every frame sent to
 * {@code /publish}. Each subscriber is the idiomatic
 * {@code out.sendObject(sink.asFlux())} on a unicast sink, so Reactor Netty batches its
 * writes and flushes exactly as it does for the gateway's connections.</li>
 * <li>{@code /publish}: each text frame is emitted, as is (one shared buffer, no copy, no
 * encoding), into every subscriber's sink.</li>
 * <li>{@code GET /bench/stats}: heap after GC and RSS.</li>
 * </ul>
 */
public final class BareServer {

	private static final int MAX_FRAME = 65536;

	private final Set<Sinks.Many<WebSocketFrame>> subscribers = ConcurrentHashMap.newKeySet();

	private BareServer() {
	}

	public static void run(int port) {
		new BareServer().serve(port);
	}

	private void serve(int port) {
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(port)
			.route((routes) -> routes
				.ws("/echo", (in, out) -> out.sendObject(in.aggregateFrames(MAX_FRAME)
					.receiveFrames()
					.filter((frame) -> frame instanceof TextWebSocketFrame)
					.map(WebSocketFrame::retain)))
				.ws("/broadcast", (in, out) -> {
					Sinks.Many<WebSocketFrame> sink = Sinks.many().unicast().onBackpressureBuffer();
					this.subscribers.add(sink);
					Mono<Void> inbound = in.receive().then().doFinally((signal) -> {
						this.subscribers.remove(sink);
						sink.tryEmitComplete();
					});
					return Mono.when(inbound, out.sendObject(sink.asFlux()).then());
				})
				.ws("/publish", (in, out) -> in.aggregateFrames(MAX_FRAME)
					.receiveFrames()
					.doOnNext(this::broadcast)
					.then())
				.get("/bench/stats", (request, response) -> response.header("content-type", "application/json")
					.sendString(Mono.fromCallable(ServerStats::json))))
			.bindNow();
		ServerStats.announceReady("bare", server.port());
		server.onDispose().block();
	}

	private void broadcast(WebSocketFrame frame) {
		if (!(frame instanceof TextWebSocketFrame)) {
			return;
		}
		for (Sinks.Many<WebSocketFrame> sink : this.subscribers) {
			TextWebSocketFrame copy = new TextWebSocketFrame(frame.content().retainedDuplicate());
			if (sink.tryEmitNext(copy).isFailure()) {
				copy.release();
			}
		}
	}

}
