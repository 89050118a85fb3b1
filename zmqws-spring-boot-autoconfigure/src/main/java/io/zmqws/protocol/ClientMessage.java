package io.zmqws.protocol;

import java.util.List;

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

}
