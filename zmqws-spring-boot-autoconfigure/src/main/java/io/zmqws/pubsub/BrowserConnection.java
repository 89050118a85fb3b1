package io.zmqws.pubsub;

import java.security.Principal;
import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A connected client as server-side publishing sees it.
 */
public interface BrowserConnection {

	/** The connection's session id. */
	String id();

	/** The authenticated user, or {@code null}. */
	Principal principal();

	/** Whether the client registered a function of that name. */
	boolean hasFunction(String name);

	/**
	 * Calls a registered function without waiting for an answer.
	 * @return whether the call was queued for the client
	 */
	boolean invoke(String function, List<JsonNode> args);

	/**
	 * Calls a registered function and emits the client's answer; fails with
	 * {@link BrowserCallException} when the client reports an error, does not answer in
	 * time, or goes away.
	 */
	Mono<JsonNode> ask(String function, List<JsonNode> args, Duration timeout);

	/**
	 * Delivers an event published to {@code path}.
	 * @return whether it was queued for the client
	 */
	boolean deliver(String path, JsonNode data);

	/**
	 * Delivers an event if {@code guard} allows this connection's user, asking the guard
	 * only when no fresh cached answer exists.
	 */
	void deliver(String path, JsonNode data, EventGuard guard);

}
