package io.zmqws.rpc;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The JSON envelope RPC calls travel in over ZeroMQ (see {@code docs/rpc.md}).
 * <p>
 * A call is {@code {"id", "method", "args", "kwargs"}} or {@code {"id", "cancel": true}};
 * the answers are {@code {"id", "result"}}, {@code {"id", "item"}} (any number), then
 * {@code {"id", "done": true}}, or {@code {"id", "error": {"code", "message"}}}.
 */
final class RpcEnvelope {

	private final JsonMapper mapper;

	RpcEnvelope(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/** A decoded call or cancel; {@code method} is {@code null} for a cancel. */
	record Call(JsonNode id, String method, JsonNode args, JsonNode kwargs, boolean cancel) {
	}

	Call readCall(byte[] payload) {
		JsonNode root;
		try {
			root = this.mapper.readTree(payload);
		}
		catch (JacksonException ex) {
			throw new ZmqRpcException("bad_message", "Call is not valid JSON");
		}
		if (root == null || !root.isObject()) {
			throw new ZmqRpcException("bad_message", "Call must be a JSON object");
		}
		JsonNode id = root.get("id");
		if (id == null || !(id.isString() || id.isIntegralNumber())) {
			throw new ZmqRpcException("bad_message", "Field 'id' must be a string or an integer");
		}
		if (root.path("cancel").asBoolean(false)) {
			return new Call(id, null, null, null, true);
		}
		JsonNode method = root.get("method");
		if (method == null || !method.isString()) {
			throw new ZmqRpcException("bad_message", "Field 'method' must be a string");
		}
		JsonNode args = root.get("args");
		JsonNode kwargs = root.get("kwargs");
		if (args != null && !args.isNull() && !args.isArray()) {
			throw new ZmqRpcException("bad_message", "Field 'args' must be an array");
		}
		if (kwargs != null && !kwargs.isNull() && !kwargs.isObject()) {
			throw new ZmqRpcException("bad_message", "Field 'kwargs' must be an object");
		}
		return new Call(id, method.stringValue(), (args == null || args.isNull()) ? null : args,
				(kwargs == null || kwargs.isNull()) ? null : kwargs, false);
	}

	/** Reads the id of a call that could not be decoded, if it has one. */
	JsonNode idOf(byte[] payload) {
		try {
			JsonNode root = this.mapper.readTree(payload);
			return (root != null) ? root.get("id") : null;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	byte[] writeCall(JsonNode id, String method, JsonNode args, JsonNode kwargs) {
		ObjectNode call = this.mapper.createObjectNode();
		call.set("id", id);
		call.put("method", method);
		call.set("args", (args != null) ? args : this.mapper.createArrayNode());
		call.set("kwargs", (kwargs != null) ? kwargs : this.mapper.createObjectNode());
		return bytes(call);
	}

	byte[] writeCancel(JsonNode id) {
		ObjectNode cancel = this.mapper.createObjectNode();
		cancel.set("id", id);
		cancel.put("cancel", true);
		return bytes(cancel);
	}

	byte[] writeReply(JsonNode id, RpcReply reply) {
		ObjectNode answer = this.mapper.createObjectNode();
		answer.set("id", id);
		switch (reply.kind()) {
			case RESULT -> answer.set("result", reply.value());
			case ITEM -> answer.set("item", reply.value());
			case DONE -> answer.put("done", true);
		}
		return bytes(answer);
	}

	byte[] writeError(JsonNode id, String code, String message) {
		ObjectNode answer = this.mapper.createObjectNode();
		answer.set("id", id);
		ObjectNode error = answer.putObject("error");
		error.put("code", code);
		error.put("message", message);
		return bytes(answer);
	}

	/**
	 * Reads an answer from a remote service as a reply, or throws the
	 * {@link ZmqRpcException} it carries.
	 */
	RpcReply readReply(byte[] payload) {
		JsonNode root;
		try {
			root = this.mapper.readTree(payload);
		}
		catch (JacksonException ex) {
			throw new ZmqRpcException("bad_reply", "The remote service sent a reply that is not JSON");
		}
		if (root == null || !root.isObject()) {
			throw new ZmqRpcException("bad_reply", "The remote service sent a reply that is not an object");
		}
		JsonNode error = root.get("error");
		if (error != null && !error.isNull()) {
			String code = error.path("code").asString("remote_error");
			String message = error.path("message").asString("The remote service failed");
			throw new ZmqRpcException(isCode(code) ? code : "remote_error", message);
		}
		if (root.has("item")) {
			return RpcReply.item(root.get("item"));
		}
		if (root.path("done").asBoolean(false)) {
			return RpcReply.done();
		}
		if (root.has("result")) {
			return RpcReply.result(root.get("result"));
		}
		throw new ZmqRpcException("bad_reply", "The remote service sent a reply without result, item or done");
	}

	private static boolean isCode(String code) {
		return code.matches("[a-z][a-z0-9_]{0,63}");
	}

	private byte[] bytes(JsonNode node) {
		return this.mapper.writeValueAsBytes(node);
	}

}
