package io.zmqws.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * The fields of one decoded client message, turned into a {@link ClientMessage} with the
 * checks and error codes that every encoding shares.
 * <p>
 * An encoding hands in the message's fields as Jackson trees, looked up by name, and
 * says how a ZeroMQ frame is written in it. Errors carry the {@code op}, {@code sid}
 * and {@code id} read so far.
 */
abstract class ClientMessageFields {

	private String op;

	private Long sid;

	private Long id;

	/** The value of field {@code name}, or {@code null} when the message has none. */
	protected abstract JsonNode get(String name);

	/**
	 * The bytes of a frame held in field {@code name}.
	 * @throws ProtocolException from {@link #error} when the value is not a frame
	 */
	protected abstract byte[] frame(String name, JsonNode node);

	/** Reads the message these fields make. */
	final ClientMessage toMessage() {
		String op = requiredString("op");
		this.op = op;
		return switch (op) {
			case "open" -> new ClientMessage.Open(sid(), requiredString("endpoint"));
			case "close" -> new ClientMessage.Close(sid());
			case "request" -> {
				long sid = sid();
				long id = requiredLong("id");
				this.id = id;
				yield new ClientMessage.Request(sid, id, frames(), optionalTimeout());
			}
			case "subscribe" -> has("path") ? new ClientMessage.SubscribePath(path())
					: new ClientMessage.Subscribe(sid(), topic());
			case "unsubscribe" -> has("path") ? new ClientMessage.UnsubscribePath(path())
					: new ClientMessage.Unsubscribe(sid(), topic());
			case "push" -> {
				long sid = sid();
				Long id = optionalLong("id");
				this.id = id;
				yield new ClientMessage.Push(sid, id, frames());
			}
			case "ping" -> new ClientMessage.Ping(optionalLong("id"));
			case "call" -> {
				long id = requiredLong("id");
				this.id = id;
				yield new ClientMessage.Call(id, requiredString("method"), optional("args", JsonNode::isArray, "an array"),
						optional("kwargs", JsonNode::isObject, "an object"), optionalTimeout());
			}
			case "cancel" -> {
				long id = requiredLong("id");
				this.id = id;
				yield new ClientMessage.Cancel(id);
			}
			case "methods" -> new ClientMessage.Methods();
			case "auth" -> new ClientMessage.Auth(requiredString("token"));
			case "register" -> new ClientMessage.Register(requiredString("name"));
			case "unregister" -> new ClientMessage.Unregister(requiredString("name"));
			case "return" -> {
				long cid = requiredLong("cid");
				JsonNode error = get("error");
				if (error != null && !error.isNull()) {
					yield new ClientMessage.Return(cid, null, error.isString() ? error.stringValue() : error.toString());
				}
				JsonNode value = get("value");
				yield new ClientMessage.Return(cid, (value != null) ? value : NullNode.getInstance(), null);
			}
			default -> throw new ProtocolException(ErrorCode.UNKNOWN_OP, "Unknown op '" + abbreviate(op) + "'", null,
					null, null);
		};
	}

	/** An error about these fields, carrying what is known of the message so far. */
	protected final ProtocolException error(ErrorCode code, String message) {
		return new ProtocolException(code, message, this.op, this.sid, this.id);
	}

	private long sid() {
		long value = requiredLong("sid");
		if (value < 0) {
			throw error(ErrorCode.INVALID_FIELD, "Field 'sid' must not be negative");
		}
		this.sid = value;
		return value;
	}

	private String requiredString(String name) {
		JsonNode node = required(name);
		if (!node.isString()) {
			throw error(ErrorCode.INVALID_FIELD, "Field '" + name + "' must be a string");
		}
		return node.stringValue();
	}

	private long requiredLong(String name) {
		JsonNode node = required(name);
		if (!node.isIntegralNumber() || !node.canConvertToLong()) {
			throw error(ErrorCode.INVALID_FIELD, "Field '" + name + "' must be an integer");
		}
		return node.longValue();
	}

	private Long optionalLong(String name) {
		return has(name) ? requiredLong(name) : null;
	}

	private long optionalTimeout() {
		Long timeout = optionalLong("timeout");
		if (timeout == null) {
			return 0;
		}
		if (timeout <= 0) {
			throw error(ErrorCode.INVALID_FIELD, "Field 'timeout' must be a positive number of milliseconds");
		}
		return timeout;
	}

	private boolean has(String name) {
		JsonNode node = get(name);
		return node != null && !node.isNull();
	}

	private String path() {
		if (has("sid")) {
			throw error(ErrorCode.INVALID_FIELD, "A subscription names either 'sid' and 'topic' or 'path'");
		}
		String path = requiredString("path");
		if (!path.startsWith("/") || path.length() > 1024 || path.contains("//")
				|| (path.length() > 1 && path.endsWith("/"))) {
			throw error(ErrorCode.INVALID_FIELD,
					"Field 'path' must start with '/', have no empty segment and end without '/'");
		}
		return path;
	}

	private JsonNode optional(String name, Predicate<JsonNode> kind, String description) {
		if (!has(name)) {
			return null;
		}
		JsonNode node = get(name);
		if (!kind.test(node)) {
			throw error(ErrorCode.INVALID_FIELD, "Field '" + name + "' must be " + description);
		}
		return node;
	}

	private byte[] topic() {
		return frame("topic", required("topic"));
	}

	private List<byte[]> frames() {
		JsonNode node = required("frames");
		if (!node.isArray() || node.isEmpty()) {
			throw error(ErrorCode.INVALID_FIELD, "Field 'frames' must be a non-empty array");
		}
		List<byte[]> frames = new ArrayList<>(node.size());
		for (JsonNode frame : node) {
			frames.add(frame("frames", frame));
		}
		return frames;
	}

	private JsonNode required(String name) {
		JsonNode node = get(name);
		if (node == null || node.isNull()) {
			throw error(ErrorCode.MISSING_FIELD, "Field '" + name + "' is required");
		}
		return node;
	}

	private static String abbreviate(String value) {
		return (value.length() <= 40) ? value : value.substring(0, 40) + "...";
	}

}
