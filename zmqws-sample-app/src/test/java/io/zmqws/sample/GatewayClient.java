package io.zmqws.sample;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.awaitility.Awaitility.await;

/**
 * A real WebSocket client of the gateway (Reactor Netty, subprotocol
 * {@value #PROTOCOL}) that keeps every message it receives, in order, for assertions.
 */
public final class GatewayClient implements AutoCloseable {

	public static final String PROTOCOL = "zmqws.v1.json";

	static final Duration WAIT = Duration.ofSeconds(15);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final List<JsonNode> received = new CopyOnWriteArrayList<>();

	private final Sinks.Many<String> outbound = Sinks.many().unicast().onBackpressureBuffer();

	private final CompletableFuture<String> selectedProtocol = new CompletableFuture<>();

	private final CompletableFuture<Void> finished = new CompletableFuture<>();

	private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

	private final AtomicLong ids = new AtomicLong();

	private final Disposable connection;

	private GatewayClient(URI uri, Map<String, String> handshakeHeaders) {
		this.connection = HttpClient.create()
			.headers((headers) -> handshakeHeaders.forEach(headers::set))
			.websocket(WebsocketClientSpec.builder().protocols(PROTOCOL).build())
			.uri(uri)
			.handle((in, out) -> {
				this.selectedProtocol.complete(String.valueOf(in.selectedSubprotocol()));
				in.receiveCloseStatus().subscribe((status) -> this.closeCode.complete(status.code()));
				Mono<Void> receiving = in.aggregateFrames()
					.receive()
					.asString()
					.doOnNext((text) -> this.received.add(json.readTree(text)))
					.then();
				Mono<Void> sending = out.sendString(this.outbound.asFlux()).then().then(out.sendClose());
				return sending.and(receiving);
			})
			.subscribe(null, (ex) -> {
				this.selectedProtocol.completeExceptionally(ex);
				this.finished.complete(null);
			}, () -> this.finished.complete(null));
	}

	/** Connects to {@code ws://127.0.0.1:port/zmqws} as the demo user alice, who may trade. */
	public static GatewayClient connect(int port) {
		return connectAs(port, "alice", "alice");
	}

	/** Connects as one of the demo users, with HTTP Basic on the handshake. */
	public static GatewayClient connectAs(int port, String user, String password) {
		return connectWith(port, Map.of("Authorization", basic(user, password)));
	}

	/** Connects with the given handshake headers, e.g. the {@code Cookie} of a login. */
	public static GatewayClient connectWith(int port, Map<String, String> headers) {
		GatewayClient client = new GatewayClient(URI.create("ws://127.0.0.1:" + port + "/zmqws"), headers);
		client.selectedProtocol();
		// the protocol: send nothing before welcome
		client.awaitMessage("welcome", (message) -> isOp(message, "welcome"));
		return client;
	}

	/** An HTTP Basic {@code Authorization} header value. */
	public static String basic(String user, String password) {
		return "Basic " + java.util.Base64.getEncoder()
			.encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
	}

	/** The subprotocol the server selected, once the handshake is done. */
	public String selectedProtocol() {
		return this.selectedProtocol.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
	}

	/** Sends a message, given as its JSON fields. */
	public synchronized void send(Map<String, ?> message) {
		Sinks.EmitResult result = this.outbound.tryEmitNext(json.writeValueAsString(message));
		if (result.isFailure()) {
			throw new IllegalStateException("Cannot send " + message + ": " + result);
		}
	}

	/** A new request or push id. */
	public long nextId() {
		return this.ids.incrementAndGet();
	}

	/** Waits for the server to close the connection and returns the close code. */
	public int awaitCloseCode() {
		return this.closeCode.orTimeout(30, TimeUnit.SECONDS).join();
	}

	/** Every message received so far, in order. */
	public List<JsonNode> received() {
		return List.copyOf(this.received);
	}

	/** The first message received so far that matches {@code condition}. */
	public Optional<JsonNode> find(Predicate<JsonNode> condition) {
		return this.received.stream().filter(condition).findFirst();
	}

	/** Waits for the first message that matches {@code condition}. */
	public JsonNode awaitMessage(String description, Predicate<JsonNode> condition) {
		return await(description).atMost(WAIT)
			.pollInterval(Duration.ofMillis(10))
			.until(() -> find(condition), Optional::isPresent)
			.get();
	}

	/** Waits for the message with {@code op} about virtual socket {@code sid}. */
	public JsonNode awaitOp(String op, long sid) {
		return awaitMessage("'" + op + "' for sid " + sid, (message) -> isOp(message, op) && sidOf(message) == sid);
	}

	/** Opens virtual socket {@code sid} on {@code endpoint} and returns the answer. */
	public JsonNode open(long sid, String endpoint) {
		send(Map.of("op", "open", "sid", sid, "endpoint", endpoint));
		return awaitMessage("answer to opening sid " + sid,
				(message) -> (isOp(message, "opened") || isOp(message, "error")) && sidOf(message) == sid);
	}

	/** Subscribes {@code sid} to {@code topic} and waits for the acknowledgement. */
	public JsonNode subscribe(long sid, String topic) {
		send(Map.of("op", "subscribe", "sid", sid, "topic", topic));
		return awaitOp("subscribed", sid);
	}

	/** Sends a request and waits for its reply or error. */
	public JsonNode request(long sid, List<String> frames) {
		long id = nextId();
		send(Map.of("op", "request", "sid", sid, "id", id, "frames", frames));
		return awaitAnswer(sid, id);
	}

	/** Sends a push with an id and waits for its acknowledgement or error. */
	public JsonNode push(long sid, List<String> frames) {
		long id = nextId();
		send(Map.of("op", "push", "sid", sid, "id", id, "frames", frames));
		return awaitAnswer(sid, id);
	}

	private JsonNode awaitAnswer(long sid, long id) {
		return awaitMessage("answer to id " + id + " on sid " + sid,
				(message) -> sidOf(message) == sid && message.path("id").asLong(-1) == id
						&& !isOp(message, "message"));
	}

	public static boolean isOp(JsonNode message, String op) {
		return op.equals(message.path("op").asString());
	}

	public static long sidOf(JsonNode message) {
		return message.path("sid").asLong(-1);
	}

	/** The frames of a message as strings (none of the demo's frames is binary). */
	public static List<String> frames(JsonNode message) {
		return message.path("frames").valueStream().map(JsonNode::asString).toList();
	}

	/** Whether {@code answer} is the error that says no backend is connected yet. */
	public static boolean isBackendUnavailable(JsonNode answer) {
		return isOp(answer, "error") && "backend_unavailable".equals(answer.path("code").asString());
	}

	/** Sends a close frame, waits a little for the server to close, then disconnects. */
	@Override
	public void close() {
		this.outbound.tryEmitComplete();
		try {
			this.finished.get(5, TimeUnit.SECONDS);
		}
		catch (TimeoutException | ExecutionException ex) {
			// disconnecting anyway
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.connection.dispose();
		}
	}

}
