package io.zmqws.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;

/**
 * A real client of the HTTP fallback (JDK {@link HttpClient}): reads the event stream on
 * its own thread, records every event, and sends numbered {@code POST} batches.
 */
public final class SseClient implements AutoCloseable {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** One event of the stream: {@code name} is {@code null} for protocol messages. */
	public record Event(String id, String name, String data) {
	}

	private final HttpClient http;

	private final URI base;

	private final Map<String, String> headers;

	private final Function<String, JsonNode> decoder;

	private final HttpResponse<Stream<String>> response;

	private final List<Event> events = new ArrayList<>();

	private final List<String> comments = new ArrayList<>();

	private final Thread reader;

	private boolean ended;

	private String session;

	private long batch;

	private SseClient(HttpClient http, URI base, String query, Map<String, String> headers,
			Function<String, JsonNode> decoder) {
		this.http = http;
		this.base = base;
		this.headers = headers;
		this.decoder = decoder;
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/sse" + query))
			.header("Accept", "text/event-stream");
		headers.forEach(request::header);
		try {
			this.response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		Iterator<String> lines = this.response.body().iterator();
		this.reader = new Thread(() -> read(lines), "sse-client");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/** Opens a new session at {@code base + "/sse"} with the JSON encoding. */
	public static SseClient open(HttpClient http, URI base, Map<String, String> headers) {
		return new SseClient(http, base, "", headers, SseClient::json);
	}

	/** Opens a stream with a query string (e.g. {@code ?protocol=...}) and a data decoder. */
	public static SseClient open(HttpClient http, URI base, String query, Map<String, String> headers,
			Function<String, JsonNode> decoder) {
		return new SseClient(http, base, query, headers, decoder);
	}

	/** Resumes {@code session} after event {@code lastEventId} with the Last-Event-ID header. */
	public static SseClient resume(HttpClient http, URI base, String lastEventId, Map<String, String> headers) {
		Map<String, String> withId = new java.util.HashMap<>(headers);
		withId.put("Last-Event-ID", lastEventId);
		SseClient client = new SseClient(http, base, "", withId, SseClient::json);
		int colon = lastEventId.lastIndexOf(':');
		client.session = (colon > 0) ? lastEventId.substring(0, colon) : null;
		return client;
	}

	/** The data of a base64 event holding a binary message, decoded with {@code binary}. */
	public static Function<String, JsonNode> base64(Function<byte[], JsonNode> binary) {
		return (data) -> binary.apply(Base64.getDecoder().decode(data));
	}

	private static JsonNode json(String data) {
		return WsClient.JSON.readTree(data);
	}

	private void read(Iterator<String> iterator) {
		String id = null;
		String name = null;
		StringBuilder data = null;
		try {
			while (iterator.hasNext()) {
				String line = iterator.next();
				if (line.isEmpty()) {
					if (data != null) {
						add(new Event(id, name, data.toString()));
					}
					id = null;
					name = null;
					data = null;
				}
				else if (line.startsWith(":")) {
					synchronized (this) {
						this.comments.add(line);
					}
				}
				else if (line.startsWith("id: ")) {
					id = line.substring(4);
				}
				else if (line.startsWith("event: ")) {
					name = line.substring(7);
				}
				else if (line.startsWith("data: ")) {
					data = (data == null) ? new StringBuilder() : data.append('\n');
					data.append(line.substring(6));
				}
			}
		}
		catch (UncheckedIOException ex) {
			// the stream broke or was closed by disconnect()
		}
		synchronized (this) {
			this.ended = true;
			notifyAll();
		}
	}

	private synchronized void add(Event event) {
		this.events.add(event);
		if (this.session == null && event.name() == null && event.id() != null) {
			this.session = event.id().substring(0, event.id().lastIndexOf(':'));
		}
		notifyAll();
	}

	public int status() {
		return this.response.statusCode();
	}

	public HttpResponse<Stream<String>> response() {
		return this.response;
	}

	public HttpClient.Version version() {
		return this.response.version();
	}

	/** The session id, once the welcome has arrived (or the resumed one). */
	public synchronized String session() {
		return this.session;
	}

	public synchronized List<Event> events() {
		return List.copyOf(this.events);
	}

	public synchronized List<String> comments() {
		return List.copyOf(this.comments);
	}

	/** The protocol messages received so far. */
	public synchronized List<JsonNode> messages() {
		return this.events.stream().filter((event) -> event.name() == null).map((e) -> this.decoder.apply(e.data())).toList();
	}

	/** Waits for the first event matching {@code condition}. */
	public synchronized Event awaitEvent(Predicate<Event> condition) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (true) {
			for (Event event : this.events) {
				if (condition.test(event)) {
					return event;
				}
			}
			waitUntil(deadline, "No matching event; received " + this.events.size() + " events, the last: "
					+ abbreviate(this.events.isEmpty() ? null : this.events.get(this.events.size() - 1)));
		}
	}

	/** Waits for the protocol message with {@code op} (and {@code id}, when not null). */
	public JsonNode awaitOp(String op, Long id) {
		return await((message) -> matches(message, op, id));
	}

	/** Waits for the first protocol message matching {@code condition}. */
	public JsonNode await(Predicate<JsonNode> condition) {
		Event event = awaitEvent((e) -> e.name() == null && condition.test(this.decoder.apply(e.data())));
		return this.decoder.apply(event.data());
	}

	/** Waits until {@code count} protocol messages match. */
	/**
	 * Requests {@code text} on the open REQ socket {@code sid} (ids from {@code firstId}
	 * on) until the answer is a reply rather than {@code backend_unavailable}: the gateway
	 * may still be connecting to the backend. Returns the next unused id.
	 */
	public long awaitBackend(long sid, long firstId, String text) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		for (long id = firstId;; id++) {
			long expected = id;
			post("{\"op\":\"request\",\"sid\":" + sid + ",\"id\":" + id + ",\"frames\":[\"" + text + "\"]}");
			JsonNode answer = await((m) -> m.path("id").asLong(-1) == expected);
			if (answer.path("op").asString().equals("reply")) {
				return id + 1;
			}
			if (!answer.path("code").asString().equals("backend_unavailable") || System.nanoTime() > deadline) {
				throw new AssertionError("No reply to a request on socket " + sid + ": " + answer);
			}
		}
	}

	public synchronized List<JsonNode> awaitCount(Predicate<JsonNode> condition, int count) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (true) {
			List<JsonNode> matching = messages().stream().filter(condition).toList();
			if (matching.size() >= count) {
				return matching;
			}
			waitUntil(deadline, "Only " + matching.size() + " of " + count + " messages");
		}
	}

	/** Waits for the server to end the stream. */
	public synchronized void awaitEnd() {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (!this.ended) {
			waitUntil(deadline, "The stream did not end");
		}
	}

	public synchronized boolean ended() {
		return this.ended;
	}

	private static String abbreviate(Object value) {
		String text = String.valueOf(value);
		return (text.length() > 300) ? text.substring(0, 300) + "…" : text;
	}

	private static boolean matches(JsonNode message, String op, Long id) {
		return op.equals(message.path("op").asString()) && (id == null || message.path("id").asLong(-1) == id);
	}

	private void waitUntil(long deadline, String failure) {
		long left = deadline - System.nanoTime();
		if (left <= 0) {
			List<JsonNode> received = messages();
			throw new AssertionError(failure + " within " + WAIT + "; the last of " + received.size()
					+ " messages received: " + abbreviate(received.subList(Math.max(0, received.size() - 3),
							received.size())));
		}
		try {
			TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/** Sends the next batch: JSON messages, one per line. */
	public int post(String... messages) {
		long number;
		synchronized (this) {
			number = ++this.batch;
		}
		return post(number, String.join("\n", messages).getBytes(StandardCharsets.UTF_8), "application/x-ndjson");
	}

	/** Sends a batch with an explicit number, body and content type; returns the status. */
	public int post(long number, byte[] body, String contentType) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(this.base + "/sse/" + session()))
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body));
		if (number > 0) {
			request.header("Zmqws-Seq", Long.toString(number));
		}
		return send(request);
	}

	/** Ends the session. */
	public int delete() {
		return send(HttpRequest.newBuilder(URI.create(this.base + "/sse/" + session())).DELETE());
	}

	private int send(HttpRequest.Builder request) {
		this.headers.forEach((name, value) -> {
			if (!name.equalsIgnoreCase("Last-Event-ID") && !name.equalsIgnoreCase("Accept")) {
				request.header(name, value);
			}
		});
		try {
			return this.http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The id of the last event received. */
	public synchronized String lastEventId() {
		for (int i = this.events.size() - 1; i >= 0; i--) {
			if (this.events.get(i).id() != null) {
				return this.events.get(i).id();
			}
		}
		return null;
	}

	/** Breaks the event stream from the client side, as a network failure would. */
	public void disconnect() {
		this.response.body().close();
		awaitEnd();
	}

	@Override
	public void close() {
		this.response.body().close();
	}

}
