package io.zmqws.bench.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Mono;

/**
 * Scenario (d): idle connections, each with one subscription, and what they cost the
 * server. The server reports heap used after full collections and VmRSS at 0
 * connections and at each step; the cost per connection is the growth divided by the
 * connections added.
 */
public final class MemoryLoad {

	/** Memory of the server with {@code connections} idle subscribed connections. */
	public record Sample(String target, int connections, long heapBytes, long rssBytes) {
	}

	private static final Pattern HEAP = Pattern.compile("\"heapUsedAfterGc\":(\\d+)");

	private static final Pattern RSS = Pattern.compile("\"rssBytes\":(-?\\d+)");

	private final FanoutLoad.Target target;

	private final List<Ws.Conn> conns = new ArrayList<>();

	public MemoryLoad(FanoutLoad.Target target) {
		this.target = target;
	}

	/** Opens connections until {@code total} are open and subscribed, then samples. */
	public Sample growTo(int port, int total) {
		int missing = total - this.conns.size();
		if (missing > 0) {
			URI uri = URI.create("ws://127.0.0.1:" + port + ((this.target == FanoutLoad.Target.GATEWAY) ? "/zmqws"
					: "/broadcast"));
			String subprotocol = (this.target == FanoutLoad.Target.GATEWAY) ? "zmqws.v1.json" : null;
			this.conns.addAll(Ws.connectMany(uri, subprotocol, missing, 128, (i) -> MemoryLoad::onFrame,
					this::prepare, Duration.ofSeconds(300)));
			if (this.conns.size() != total) {
				throw new IllegalStateException("Opened " + this.conns.size() + " of " + total + " connections");
			}
		}
		return sample(port, total);
	}

	public Sample sample(int port, int connections) {
		String json = HttpClient.newHttpClient()
			.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bench/stats"))
				.timeout(Duration.ofSeconds(60))
				.build(), HttpResponse.BodyHandlers.ofString())
			.join()
			.body();
		return new Sample(this.target.label(), connections, number(HEAP, json), number(RSS, json));
	}

	public void closeAll() {
		Ws.closeAll(this.conns);
		this.conns.clear();
	}

	private Mono<?> prepare(Ws.Conn conn) {
		CompletableFuture<Void> subscribed = new CompletableFuture<>();
		conn.state = subscribed;
		if (this.target == FanoutLoad.Target.GATEWAY) {
			return conn.firstFrame().then(Mono.fromRunnable(() -> {
				conn.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"feed\"}");
				conn.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"bench\"}");
			})).then(Mono.fromFuture(subscribed)).timeout(Duration.ofSeconds(120));
		}
		return Mono.empty();
	}

	@SuppressWarnings("unchecked")
	private static void onFrame(Ws.Conn conn, ByteBuf frame) {
		if (conn.state instanceof CompletableFuture<?> future && Scan.opIs(frame, "subscribed")) {
			((CompletableFuture<Void>) future).complete(null);
		}
	}

	private static long number(Pattern pattern, String json) {
		Matcher matcher = pattern.matcher(json);
		if (!matcher.find()) {
			throw new IllegalStateException("No " + pattern + " in " + json);
		}
		return Long.parseLong(matcher.group(1));
	}

}
