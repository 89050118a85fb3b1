package io.zmqws.sample.rpc;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import io.zmqws.pubsub.BrowserCallException;
import io.zmqws.pubsub.ZmqwsTemplate;
import io.zmqws.rpc.RpcCallContext;
import io.zmqws.rpc.ZmqRpc;
import io.zmqws.rpc.ZmqRpcException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * Server-to-browser calls on request: {@code notifications.notifyMe(text)} makes the
 * server call the function {@code notify(text, sentAt)} that the calling browser
 * registered, and answers with what the browser returned.
 */
@Component
@ZmqRpc("notifications")
public class NotificationService {

	/** The browser function the server calls. */
	public static final String FUNCTION = "notify";

	private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

	private final ZmqwsTemplate template;

	public NotificationService(ZmqwsTemplate template) {
		this.template = template;
	}

	/**
	 * Calls {@code notify(text, sentAt)} in the caller's browser and emits its answer;
	 * fails with {@code no_client}, {@code timeout}, {@code client_error} or
	 * {@code disconnected} when the browser does not answer.
	 */
	public Mono<JsonNode> notifyMe(String text, RpcCallContext caller) {
		return this.template.ask(caller.sessionId(), FUNCTION, ANSWER_TIMEOUT, text, Instant.now().toString())
			.onErrorMap(BrowserCallException.class, (ex) -> new ZmqRpcException(
					ex.getReason().name().toLowerCase(Locale.ROOT), ex.getMessage()));
	}

}
