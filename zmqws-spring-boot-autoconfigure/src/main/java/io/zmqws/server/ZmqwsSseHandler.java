package io.zmqws.server;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.zmqws.protocol.CloseCodes;
import io.zmqws.protocol.ProtocolCodec;
import io.zmqws.protocol.ProtocolCodecs;
import io.zmqws.protocol.ProtocolException;
import io.zmqws.session.CloseReason;
import io.zmqws.session.SessionInfo;
import io.zmqws.session.SessionServices;
import io.zmqws.session.ZmqwsSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;

/**
 * Serves the zmqws protocol over plain HTTP for networks that block WebSockets: the
 * client reads its messages from an event stream ({@code GET {path}/sse}) and sends its
 * own in numbered batches ({@code POST {path}/sse/{session}}); {@code DELETE} ends the
 * session. A broken stream can be resumed with {@code Last-Event-ID}.
 */
public class ZmqwsSseHandler implements WebHandler, SmartLifecycle {

	/** The header numbering a client's {@code POST} batches: 1, 2, 3… */
	public static final String SEQ_HEADER = "Zmqws-Seq";

	/**
	 * The URI variable holding the session id: map this handler to {@code {path}/sse} and
	 * {@code {path}/sse/{session}}.
	 */
	public static final String SESSION_VARIABLE = "session";

	private final SessionServices services;

	private final ProtocolCodecs codecs;

	private final SseSettings settings;

	private final OriginPolicy originPolicy;

	private final WebSessions webSessions;

	private final Map<String, SseConnection> connections = new ConcurrentHashMap<>();

	private volatile boolean running;

	public ZmqwsSseHandler(SessionServices services, ProtocolCodecs codecs, SseSettings settings,
			OriginPolicy originPolicy, WebSessions webSessions) {
		this.services = services;
		this.codecs = codecs;
		this.settings = settings;
		this.originPolicy = originPolicy;
		this.webSessions = webSessions;
	}

	/** The number of open fallback sessions. */
	public int sessionCount() {
		return this.connections.size();
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		if (!this.originPolicy.allows(request)) {
			return respond(exchange, HttpStatus.FORBIDDEN, "Origin not allowed");
		}
		Map<String, String> variables = exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
		String sessionId = (variables != null) ? variables.get(SESSION_VARIABLE) : null;
		HttpMethod method = request.getMethod();
		if (sessionId == null) {
			return HttpMethod.GET.equals(method) ? open(exchange)
					: notAllowed(exchange, HttpMethod.GET);
		}
		if (HttpMethod.POST.equals(method)) {
			return post(exchange, sessionId);
		}
		if (HttpMethod.DELETE.equals(method)) {
			return delete(exchange, sessionId);
		}
		return notAllowed(exchange, HttpMethod.POST, HttpMethod.DELETE);
	}

	private Mono<Void> open(ServerWebExchange exchange) {
		String resume = exchange.getRequest().getHeaders().getFirst("Last-Event-ID");
		if (resume == null) {
			resume = exchange.getRequest().getQueryParams().getFirst("resume");
		}
		return (resume != null) ? resume(exchange, resume) : start(exchange);
	}

	private Mono<Void> start(ServerWebExchange exchange) {
		if (!this.running) {
			return respond(exchange, HttpStatus.SERVICE_UNAVAILABLE, "Server is not accepting connections");
		}
		String protocol = exchange.getRequest().getQueryParams().getFirst("protocol");
		ProtocolCodec codec = (protocol != null) ? this.codecs.find(protocol) : this.codecs.defaultCodec();
		if (codec == null) {
			return respond(exchange, HttpStatus.BAD_REQUEST,
					"Unsupported protocol; supported: " + String.join(", ", this.codecs.subprotocols()));
		}
		String http = HttpVersions.of(exchange.getRequest());
		return principal(exchange).flatMap((principal) -> this.webSessions.remember(exchange)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((webSessionId) -> {
				Principal user = principal.orElse(null);
				if (user != null && this.services.connections().ofUser(user.getName()).size()
						>= this.services.settings().maxConnectionsPerUser()) {
					return stream(exchange, Flux.just(SseEvents.RETRY,
							SseEvents.close(new CloseReason(CloseCodes.POLICY_VIOLATION, "Too many connections"))));
				}
				SessionInfo info = new SessionInfo(UUID.randomUUID().toString(), codec.subprotocol(), user,
						exchange.getRequest().getRemoteAddress(), webSessionId.orElse(null), "sse", http,
						(long) this.settings.maxBatchSize());
				ZmqwsSession session = new ZmqwsSession(info, this.services);
				SseConnection connection = new SseConnection(session, codec, (user != null) ? user.getName() : null,
						this.settings, this.webSessions, () -> forget(info.id()));
				this.connections.put(info.id(), connection);
				return stream(exchange, connection.stream(0));
			}));
	}

	private Mono<Void> resume(ServerWebExchange exchange, String lastEventId) {
		int colon = lastEventId.lastIndexOf(':');
		long afterSeq;
		try {
			afterSeq = (colon > 0) ? Long.parseLong(lastEventId.substring(colon + 1)) : -1;
		}
		catch (NumberFormatException ex) {
			afterSeq = -1;
		}
		if (afterSeq < 0) {
			return respond(exchange, HttpStatus.BAD_REQUEST, "Last-Event-ID must be <session>:<number>");
		}
		SseConnection connection = this.connections.get(lastEventId.substring(0, colon));
		if (connection == null) {
			return respond(exchange, HttpStatus.NOT_FOUND, "No such session");
		}
		long after = afterSeq;
		return principal(exchange).flatMap((principal) -> {
			if (!connection.openedBy(principal.map(Principal::getName).orElse(null))) {
				return respond(exchange, HttpStatus.FORBIDDEN, "The session belongs to another user");
			}
			if (!connection.canResumeAfter(after)) {
				connection.session()
					.closeWith(new CloseReason(CloseCodes.GOING_AWAY, "Events after " + after + " are gone"));
				return respond(exchange, HttpStatus.NOT_FOUND, "The session cannot be resumed");
			}
			return stream(exchange, connection.stream(after));
		});
	}

	private Mono<Void> post(ServerWebExchange exchange, String sessionId) {
		SseConnection connection = this.connections.get(sessionId);
		if (connection == null) {
			return respond(exchange, HttpStatus.NOT_FOUND, "No such session");
		}
		long number;
		try {
			number = Long.parseLong(String.valueOf(exchange.getRequest().getHeaders().getFirst(SEQ_HEADER)).trim());
		}
		catch (NumberFormatException ex) {
			number = 0;
		}
		if (number < 1) {
			return respond(exchange, HttpStatus.BAD_REQUEST, SEQ_HEADER + " must be a batch number from 1");
		}
		long batch = number;
		return principal(exchange).flatMap((principal) -> {
			if (!connection.openedBy(principal.map(Principal::getName).orElse(null))) {
				return respond(exchange, HttpStatus.FORBIDDEN, "The session belongs to another user");
			}
			return DataBufferUtils.join(exchange.getRequest().getBody(), this.settings.maxBatchSize())
				.map(ZmqwsSseHandler::bytesOf)
				.defaultIfEmpty(new byte[0])
				.flatMap((body) -> {
					List<byte[]> messages;
					try {
						messages = connection.codec().split(body);
					}
					catch (ProtocolException ex) {
						return respond(exchange, HttpStatus.BAD_REQUEST, ex.getMessage());
					}
					return connection.post(batch, messages).flatMap((outcome) -> switch (outcome) {
						case ACCEPTED -> respond(exchange, HttpStatus.NO_CONTENT, null);
						case OUT_OF_ORDER -> respond(exchange, HttpStatus.CONFLICT, "Batch " + batch + " skips a number");
						case ENDED -> respond(exchange, HttpStatus.NOT_FOUND, "No such session");
					});
				})
				.onErrorResume(DataBufferLimitException.class, (ex) -> respond(exchange, HttpStatus.PAYLOAD_TOO_LARGE,
						"A batch may hold at most " + this.settings.maxBatchSize() + " bytes"));
		});
	}

	private Mono<Void> delete(ServerWebExchange exchange, String sessionId) {
		SseConnection connection = this.connections.get(sessionId);
		if (connection == null) {
			return respond(exchange, HttpStatus.NOT_FOUND, "No such session");
		}
		return principal(exchange).flatMap((principal) -> {
			if (!connection.openedBy(principal.map(Principal::getName).orElse(null))) {
				return respond(exchange, HttpStatus.FORBIDDEN, "The session belongs to another user");
			}
			connection.session().closeWith(new CloseReason(CloseCodes.NORMAL, "Closed by the client"));
			return respond(exchange, HttpStatus.NO_CONTENT, null);
		});
	}

	private void forget(String sessionId) {
		SseConnection connection = this.connections.remove(sessionId);
		if (connection != null) {
			this.webSessions.forget(connection.session().webSessionId());
		}
	}

	private static Mono<Optional<Principal>> principal(ServerWebExchange exchange) {
		return exchange.getPrincipal().map(Optional::of).defaultIfEmpty(Optional.empty());
	}

	private static Mono<Void> stream(ServerWebExchange exchange, Flux<byte[]> events) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(HttpStatus.OK);
		HttpHeaders headers = response.getHeaders();
		headers.setContentType(MediaType.TEXT_EVENT_STREAM);
		headers.setCacheControl("no-store");
		headers.set("X-Accel-Buffering", "no");
		return response.writeAndFlushWith(events.map((bytes) -> Mono.just(response.bufferFactory().wrap(bytes))));
	}

	private static Mono<Void> notAllowed(ServerWebExchange exchange, HttpMethod... allowed) {
		exchange.getResponse().getHeaders().setAllow(Set.of(allowed));
		return respond(exchange, HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed");
	}

	private static Mono<Void> respond(ServerWebExchange exchange, HttpStatus status, String reason) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(status);
		if (reason == null) {
			return response.setComplete();
		}
		response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(reason.getBytes(StandardCharsets.UTF_8))));
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		for (SseConnection connection : this.connections.values()) {
			connection.session().closeWith(new CloseReason(CloseCodes.GOING_AWAY, "Server is shutting down"));
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private static byte[] bytesOf(DataBuffer buffer) {
		try {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			return bytes;
		}
		finally {
			DataBufferUtils.release(buffer);
		}
	}

}
