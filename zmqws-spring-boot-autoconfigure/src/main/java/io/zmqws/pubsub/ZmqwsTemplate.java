package io.zmqws.pubsub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * Sends from the server to browsers: events to path subscribers, and calls to functions
 * browsers registered, one-way or answered.
 * <p>
 * Arguments and event data are converted to JSON with the application's
 * {@link JsonMapper}. Nothing here blocks.
 */
public class ZmqwsTemplate {

	private final ConnectionRegistry connections;

	private final JsonMapper mapper;

	private final Function<String, EventGuard> guards;

	/**
	 * @param connections the open connections
	 * @param mapper converts arguments and event data to JSON
	 * @param guards finds named guards, e.g. {@code EventGuard} beans by bean name
	 */
	public ZmqwsTemplate(ConnectionRegistry connections, JsonMapper mapper, Function<String, EventGuard> guards) {
		this.connections = connections;
		this.mapper = mapper;
		this.guards = guards;
	}

	/**
	 * Publishes an event to every connection subscribed to {@code path} or a path above
	 * it.
	 * @return the number of connections it was queued for
	 */
	public int publish(String path, Object data) {
		checkPath(path);
		JsonNode json = toJson(data);
		int delivered = 0;
		for (BrowserConnection connection : this.connections.subscribersOf(path)) {
			if (connection.deliver(path, json)) {
				delivered++;
			}
		}
		return delivered;
	}

	/**
	 * Publishes an event that only subscribers whom {@code guard} allows receive.
	 * @return the number of subscribers the guard was consulted for
	 */
	public int publish(String path, Object data, EventGuard guard) {
		checkPath(path);
		JsonNode json = toJson(data);
		int candidates = 0;
		for (BrowserConnection connection : this.connections.subscribersOf(path)) {
			connection.deliver(path, json, guard);
			candidates++;
		}
		return candidates;
	}

	/**
	 * Publishes an event guarded by the {@link EventGuard} bean called {@code guardName}.
	 * @throws IllegalArgumentException when there is no such guard
	 */
	public int publish(String path, Object data, String guardName) {
		EventGuard guard = this.guards.apply(guardName);
		if (guard == null) {
			throw new IllegalArgumentException("No EventGuard bean named '" + guardName + "'");
		}
		return publish(path, data, guard);
	}

	/**
	 * Calls {@code function} on one connection, one-way.
	 * @return whether the connection exists, has the function, and took the call
	 */
	public boolean invoke(String sessionId, String function, Object... args) {
		BrowserConnection connection = this.connections.find(sessionId);
		return connection != null && invoke(connection, function, json(args));
	}

	/**
	 * Calls {@code function}, one-way, on every connection of the user that registered it.
	 * @return the number of connections that took the call
	 */
	public int invokeUser(String user, String function, Object... args) {
		List<JsonNode> json = json(args);
		int delivered = 0;
		for (BrowserConnection connection : this.connections.ofUser(user)) {
			delivered += invoke(connection, function, json) ? 1 : 0;
		}
		return delivered;
	}

	/**
	 * Calls {@code function}, one-way, on every connection subscribed to {@code path} (or a
	 * path above it) that registered it.
	 * @return the number of connections that took the call
	 */
	public int invokeSubscribers(String path, String function, Object... args) {
		checkPath(path);
		List<JsonNode> json = json(args);
		int delivered = 0;
		for (BrowserConnection connection : this.connections.subscribersOf(path)) {
			delivered += invoke(connection, function, json) ? 1 : 0;
		}
		return delivered;
	}

	/**
	 * Calls {@code function} on one connection and emits its answer, or fails with a
	 * {@link BrowserCallException}: {@code NO_CLIENT} when the connection is gone or lacks
	 * the function, {@code TIMEOUT}, {@code CLIENT_ERROR} or {@code DISCONNECTED}.
	 */
	public Mono<JsonNode> ask(String sessionId, String function, Duration timeout, Object... args) {
		BrowserConnection connection = this.connections.find(sessionId);
		if (connection == null || !connection.hasFunction(function)) {
			return Mono.error(noClient(function));
		}
		return connection.ask(function, json(args), timeout);
	}

	/**
	 * Calls {@code function} on the user's connections that registered it and emits the
	 * first answer; fails like {@link #ask} when none answers.
	 */
	public Mono<JsonNode> askUser(String user, String function, Duration timeout, Object... args) {
		List<JsonNode> json = json(args);
		List<Mono<JsonNode>> answers = new ArrayList<>();
		for (BrowserConnection connection : this.connections.ofUser(user)) {
			if (connection.hasFunction(function)) {
				answers.add(connection.ask(function, json, timeout));
			}
		}
		if (answers.isEmpty()) {
			return Mono.error(noClient(function));
		}
		return Mono.firstWithValue(answers)
			.onErrorMap((ex) -> (ex.getSuppressed().length > 0 && ex.getSuppressed()[0] instanceof BrowserCallException)
					? ex.getSuppressed()[0] : ex);
	}

	private static void checkPath(String path) {
		if (path == null || !path.startsWith("/") || path.contains("//") || (path.length() > 1 && path.endsWith("/"))) {
			throw new IllegalArgumentException(
					"Invalid path '" + path + "': it must start with '/', have no empty segment and end without '/'");
		}
	}

	private static boolean invoke(BrowserConnection connection, String function, List<JsonNode> args) {
		return connection.hasFunction(function) && connection.invoke(function, args);
	}

	private List<JsonNode> json(Object[] args) {
		return Arrays.stream(args).map(this::toJson).toList();
	}

	private JsonNode toJson(Object value) {
		return (value != null) ? this.mapper.valueToTree(value) : NullNode.getInstance();
	}

	private static BrowserCallException noClient(String function) {
		return new BrowserCallException(BrowserCallException.Reason.NO_CLIENT,
				"No connected client registered '" + function + "'");
	}

}
