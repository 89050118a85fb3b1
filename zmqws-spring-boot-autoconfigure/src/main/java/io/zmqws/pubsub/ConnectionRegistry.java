package io.zmqws.pubsub;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open connections, by session id, and their path subscriptions.
 * <p>
 * A subscription to {@code /a} covers events published to {@code /a} and to any path
 * below it, such as {@code /a/b/c}; {@code /} covers every path.
 */
public class ConnectionRegistry {

	private final Map<String, BrowserConnection> connections = new ConcurrentHashMap<>();

	private final Map<String, Set<BrowserConnection>> paths = new ConcurrentHashMap<>();

	/** Adds an open connection. */
	public void add(BrowserConnection connection) {
		this.connections.put(connection.id(), connection);
	}

	/** Removes a connection and its path subscriptions. */
	public void remove(BrowserConnection connection) {
		this.connections.remove(connection.id());
		this.paths.values().forEach((subscribers) -> subscribers.remove(connection));
		this.paths.entrySet().removeIf((entry) -> entry.getValue().isEmpty());
	}

	/** The connection with that session id, or {@code null}. */
	public BrowserConnection find(String sessionId) {
		return this.connections.get(sessionId);
	}

	/** The connections of the user called {@code name}. */
	public List<BrowserConnection> ofUser(String name) {
		return this.connections.values()
			.stream()
			.filter((connection) -> connection.principal() != null && name.equals(connection.principal().getName()))
			.toList();
	}

	/** Every open connection. */
	public List<BrowserConnection> all() {
		return List.copyOf(this.connections.values());
	}

	/** Subscribes a connection to a path; {@code false} if it already was. */
	public boolean subscribe(BrowserConnection connection, String path) {
		return this.paths.computeIfAbsent(path, (key) -> ConcurrentHashMap.newKeySet()).add(connection);
	}

	/** Ends a path subscription; {@code false} if there was none. */
	public boolean unsubscribe(BrowserConnection connection, String path) {
		Set<BrowserConnection> subscribers = this.paths.get(path);
		return subscribers != null && subscribers.remove(connection);
	}

	/** The connections with a subscription covering {@code path}, each once. */
	public Set<BrowserConnection> subscribersOf(String path) {
		Set<BrowserConnection> found = ConcurrentHashMap.newKeySet();
		String candidate = path;
		while (true) {
			Set<BrowserConnection> subscribers = this.paths.get(candidate);
			if (subscribers != null) {
				found.addAll(subscribers);
			}
			if (candidate.equals("/")) {
				return found;
			}
			int slash = candidate.lastIndexOf('/');
			candidate = (slash == 0) ? "/" : candidate.substring(0, slash);
		}
	}

	/** The number of open connections. */
	public int size() {
		return this.connections.size();
	}

}
