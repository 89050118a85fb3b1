package io.zmqws.protocol;

import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * A message sent by the gateway to a client.
 */
public sealed interface ServerMessage {

	/** The operation name on the wire, e.g. {@code "reply"}. */
	String op();

	/**
	 * First message on every connection; {@code user} is the authenticated user's name,
	 * or {@code null} when anonymous; {@code transport} is {@code websocket} or
	 * {@code sse}, {@code http} the HTTP version it runs on ({@code 1.1} or {@code 2}).
	 */
	record Welcome(String protocol, String session, String user, String transport, String http,
			Limits limits) implements ServerMessage {
		@Override
		public String op() {
			return "welcome";
		}
	}

	/**
	 * The limits a client must respect on this connection; {@code maxBatchSize} (the
	 * largest {@code POST} body) only on the HTTP fallback, else {@code null}.
	 */
	record Limits(long maxMessageSize, int maxSockets, int maxSubscriptions, int maxPendingRequests,
			Long maxBatchSize) {
	}

	/** Virtual socket {@code sid} is open on {@code endpoint}, a socket of {@code type}. */
	record Opened(long sid, String endpoint, String type) implements ServerMessage {
		@Override
		public String op() {
			return "opened";
		}
	}

	/** Virtual socket {@code sid} is closed. */
	record Closed(long sid) implements ServerMessage {
		@Override
		public String op() {
			return "closed";
		}
	}

	/** The reply to request {@code id} on socket {@code sid}. */
	record Reply(long sid, long id, List<byte[]> frames) implements ServerMessage {
		@Override
		public String op() {
			return "reply";
		}
	}

	/**
	 * A published message for SUB socket {@code sid}; {@code dropped} counts messages
	 * this connection lost to its outbound limit since the previous delivered message.
	 */
	record Message(long sid, List<byte[]> frames, long dropped) implements ServerMessage {
		@Override
		public String op() {
			return "message";
		}
	}

	/** The topic prefix is active on SUB socket {@code sid}. */
	record Subscribed(long sid, byte[] topic) implements ServerMessage {
		@Override
		public String op() {
			return "subscribed";
		}
	}

	/** The topic prefix was removed from SUB socket {@code sid}. */
	record Unsubscribed(long sid, byte[] topic) implements ServerMessage {
		@Override
		public String op() {
			return "unsubscribed";
		}
	}

	/** Acknowledges push {@code id} on socket {@code sid} once handed to ZeroMQ. */
	record Pushed(long sid, long id) implements ServerMessage {
		@Override
		public String op() {
			return "pushed";
		}
	}

	/** The answer to a {@link ClientMessage.Ping}. */
	record Pong(Long id) implements ServerMessage {
		@Override
		public String op() {
			return "pong";
		}
	}

	/**
	 * An error; {@code code} is one of {@link ErrorCode}'s codes or one an RPC method
	 * chose; {@code sid}, {@code id} and {@code failedOp} say what it answers when known,
	 * and are {@code null} otherwise.
	 */
	record Error(String code, String message, Long sid, Long id, String failedOp) implements ServerMessage {

		public Error(ErrorCode code, String message, Long sid, Long id, String failedOp) {
			this(code.code(), message, sid, id, failedOp);
		}

		@Override
		public String op() {
			return "error";
		}

	}

	/** The result of a non-streaming call. */
	record Result(long id, JsonNode value) implements ServerMessage {
		@Override
		public String op() {
			return "result";
		}
	}

	/** One item of a streaming call. */
	record Item(long id, JsonNode value) implements ServerMessage {
		@Override
		public String op() {
			return "item";
		}
	}

	/** A streaming call completed; no more items follow. */
	record Done(long id) implements ServerMessage {
		@Override
		public String op() {
			return "done";
		}
	}

	/** The RPC methods the caller may call. */
	record MethodList(List<MethodInfo> methods) implements ServerMessage {
		@Override
		public String op() {
			return "methods";
		}
	}

	/** One callable method: its name, its parameters' names, and whether it streams. */
	record MethodInfo(String name, List<String> params, boolean streaming) {
	}

	/** The browser function {@code name} is registered. */
	record Registered(String name) implements ServerMessage {
		@Override
		public String op() {
			return "registered";
		}
	}

	/** The browser function {@code name} is no longer registered. */
	record Unregistered(String name) implements ServerMessage {
		@Override
		public String op() {
			return "unregistered";
		}
	}

	/**
	 * The server calls browser function {@code function}; {@code cid} is {@code null} for
	 * a one-way call, otherwise the browser answers with a {@code return}.
	 */
	record Invoke(Long cid, String function, List<JsonNode> args) implements ServerMessage {
		@Override
		public String op() {
			return "invoke";
		}
	}

	/** The path subscription is active. */
	record PathSubscribed(String path) implements ServerMessage {
		@Override
		public String op() {
			return "subscribed";
		}
	}

	/** The path subscription ended. */
	record PathUnsubscribed(String path) implements ServerMessage {
		@Override
		public String op() {
			return "unsubscribed";
		}
	}

	/** A server-side event published to {@code path}. */
	record Event(String path, JsonNode data) implements ServerMessage {
		@Override
		public String op() {
			return "event";
		}
	}

	/**
	 * The connection is authenticated as {@code user}; {@code expiresAt} is when the
	 * credentials end (epoch seconds), or {@code null} for never.
	 */
	record Authenticated(String user, Long expiresAt) implements ServerMessage {
		@Override
		public String op() {
			return "authenticated";
		}
	}

}
