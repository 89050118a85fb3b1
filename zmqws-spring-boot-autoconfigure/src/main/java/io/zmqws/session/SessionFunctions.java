package io.zmqws.session;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.zmqws.protocol.ClientMessage;
import io.zmqws.protocol.ErrorCode;
import io.zmqws.protocol.ProtocolException;
import io.zmqws.protocol.ServerMessage;
import io.zmqws.pubsub.BrowserCallException;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import tools.jackson.databind.JsonNode;

/**
 * The browser functions one session registered, and the server's calls to them that
 * await an answer.
 */
final class SessionFunctions {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

	private final OnFirstUse<Set<String>> names = new OnFirstUse<>(ConcurrentHashMap::newKeySet);

	private final OnFirstUse<Map<Long, MonoSink<JsonNode>>> awaiting = new OnFirstUse<>(ConcurrentHashMap::new);

	private final AtomicLong ids = new AtomicLong();

	private final int maxFunctions;

	private final int maxAwaiting;

	private final Predicate<ServerMessage> send;

	SessionFunctions(int maxFunctions, int maxAwaiting, Predicate<ServerMessage> send) {
		this.maxFunctions = maxFunctions;
		this.maxAwaiting = maxAwaiting;
		this.send = send;
	}

	void register(ClientMessage.Register register) {
		if (!NAME.matcher(register.name()).matches()) {
			throw new ProtocolException(ErrorCode.INVALID_FIELD,
					"Function names are 1 to 64 letters, digits, '_', '.' or '-'", register.op(), null, null);
		}
		Set<String> names = this.names.get();
		if (!names.contains(register.name()) && names.size() >= this.maxFunctions) {
			throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
					"At most " + this.maxFunctions + " functions may be registered", register.op(), null, null);
		}
		names.add(register.name());
		this.send.test(new ServerMessage.Registered(register.name()));
	}

	void unregister(ClientMessage.Unregister unregister) {
		Set<String> names = this.names.ifCreated();
		if (names != null) {
			names.remove(unregister.name());
		}
		this.send.test(new ServerMessage.Unregistered(unregister.name()));
	}

	void answer(ClientMessage.Return answer) {
		Map<Long, MonoSink<JsonNode>> awaiting = this.awaiting.ifCreated();
		MonoSink<JsonNode> sink = (awaiting != null) ? awaiting.remove(answer.cid()) : null;
		if (sink == null) {
			return;
		}
		if (answer.error() != null) {
			sink.error(new BrowserCallException(BrowserCallException.Reason.CLIENT_ERROR, answer.error()));
		}
		else {
			sink.success(answer.value());
		}
	}

	boolean has(String name) {
		Set<String> names = this.names.ifCreated();
		return names != null && names.contains(name);
	}

	boolean invoke(String function, List<JsonNode> args) {
		return has(function) && this.send.test(new ServerMessage.Invoke(null, function, args));
	}

	Mono<JsonNode> ask(String function, List<JsonNode> args, Duration timeout) {
		Mono<JsonNode> answer = Mono.create((sink) -> {
			if (!has(function)) {
				sink.error(new BrowserCallException(BrowserCallException.Reason.NO_CLIENT,
						"The client did not register '" + function + "'"));
				return;
			}
			Map<Long, MonoSink<JsonNode>> awaiting = this.awaiting.get();
			if (awaiting.size() >= this.maxAwaiting) {
				sink.error(new BrowserCallException(BrowserCallException.Reason.BUSY,
						"Too many calls await this client's answers"));
				return;
			}
			long cid = this.ids.incrementAndGet();
			awaiting.put(cid, sink);
			sink.onDispose(() -> awaiting.remove(cid));
			this.send.test(new ServerMessage.Invoke(cid, function, args));
		});
		// with a fallback, Reactor does not describe the timed operator on every subscription
		return answer.timeout(timeout, Mono.error(() -> new BrowserCallException(BrowserCallException.Reason.TIMEOUT,
				"The client did not answer '" + function + "' within " + timeout.toMillis() + " ms")));
	}

	/** Fails the calls still awaiting answers. */
	void close() {
		Map<Long, MonoSink<JsonNode>> awaiting = this.awaiting.ifCreated();
		if (awaiting != null) {
			for (MonoSink<JsonNode> sink : awaiting.values()) {
				sink.error(new BrowserCallException(BrowserCallException.Reason.DISCONNECTED,
						"The client disconnected"));
			}
			awaiting.clear();
		}
		Set<String> names = this.names.ifCreated();
		if (names != null) {
			names.clear();
		}
	}

}
