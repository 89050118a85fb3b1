package io.zmqws.protocol;

import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * A message sent by a browser (or any client) to the gateway.
 * <p>
 * {@code sid} names a virtual socket chosen by the client; {@code id} correlates a
 * request with its reply.
 */
public sealed interface ClientMessage {

	/** The operation name on the wire, e.g. {@code "open"}. */
	String op();

	/** Opens virtual socket {@code sid} on the named endpoint. */
	record Open(long sid, String endpoint) implements ClientMessage {
		@Override
		public String op() {
			return "open";
		}
	}

	/** Closes virtual socket {@code sid}, cancelling its requests and subscriptions. */
	record Close(long sid) implements ClientMessage {
		@Override
		public String op() {
			return "close";
		}
	}

	/**
	 * Sends a request on a REQ socket; {@code timeoutMillis} is 0 for the endpoint's
	 * default.
	 */
	record Request(long sid, long id, List<byte[]> frames, long timeoutMillis) implements ClientMessage {
		@Override
		public String op() {
			return "request";
		}
	}

	/** Adds a topic prefix to a SUB socket. */
	record Subscribe(long sid, byte[] topic) implements ClientMessage {
		@Override
		public String op() {
			return "subscribe";
		}
	}

	/** Removes a topic prefix from a SUB socket. */
	record Unsubscribe(long sid, byte[] topic) implements ClientMessage {
		@Override
		public String op() {
			return "unsubscribe";
		}
	}

	/** Sends a message on a PUSH socket; {@code id} is {@code null} for fire-and-forget. */
	record Push(long sid, Long id, List<byte[]> frames) implements ClientMessage {
		@Override
		public String op() {
			return "push";
		}
	}

	/** Application-level liveness check, answered by {@link ServerMessage.Pong}. */
	record Ping(Long id) implements ClientMessage {
		@Override
		public String op() {
			return "ping";
		}
	}

	/**
	 * Calls an RPC method; {@code args} is a JSON array or {@code null}, {@code kwargs} a
	 * JSON object or {@code null}, {@code timeoutMillis} 0 for the method's default.
	 */
	record Call(long id, String method, JsonNode args, JsonNode kwargs, long timeoutMillis) implements ClientMessage {
		@Override
		public String op() {
			return "call";
		}
	}

	/** Cancels call {@code id}; a streaming call stops producing. */
	record Cancel(long id) implements ClientMessage {
		@Override
		public String op() {
			return "cancel";
		}
	}

	/** Asks which RPC methods the caller may call. */
	record Methods() implements ClientMessage {
		@Override
		public String op() {
			return "methods";
		}
	}

	/** Offers a browser function the server may invoke. */
	record Register(String name) implements ClientMessage {
		@Override
		public String op() {
			return "register";
		}
	}

	/** Withdraws a browser function. */
	record Unregister(String name) implements ClientMessage {
		@Override
		public String op() {
			return "unregister";
		}
	}

	/**
	 * The browser's answer to an acknowledged {@link ServerMessage.Invoke}: a
	 * {@code value}, or an {@code error} message when the function failed.
	 */
	record Return(long cid, JsonNode value, String error) implements ClientMessage {
		@Override
		public String op() {
			return "return";
		}
	}

	/** Subscribes to server-side events published under {@code path}. */
	record SubscribePath(String path) implements ClientMessage {
		@Override
		public String op() {
			return "subscribe";
		}
	}

	/** Ends a path subscription. */
	record UnsubscribePath(String path) implements ClientMessage {
		@Override
		public String op() {
			return "unsubscribe";
		}
	}

	/** Authenticates the connection, or refreshes its credentials, with a token. */
	record Auth(String token) implements ClientMessage {
		@Override
		public String op() {
			return "auth";
		}

		@Override
		public String toString() {
			return "Auth[token=(hidden)]";
		}
	}

}
