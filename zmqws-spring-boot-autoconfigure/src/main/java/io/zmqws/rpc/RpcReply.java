package io.zmqws.rpc;

import tools.jackson.databind.JsonNode;

/**
 * One signal of a call's outcome: the result of a non-streaming call, an item of a
 * streaming call, or the end of a stream. Failures travel as {@link ZmqRpcException}
 * errors.
 *
 * @param kind what this signal is
 * @param value the result or item, {@code null} for {@link Kind#DONE}
 */
public record RpcReply(Kind kind, JsonNode value) {

	/** What a reply signal is. */
	public enum Kind {

		/** The one result of a non-streaming call. */
		RESULT,
		/** One item of a streaming call. */
		ITEM,
		/** A streaming call completed. */
		DONE

	}

	static RpcReply result(JsonNode value) {
		return new RpcReply(Kind.RESULT, value);
	}

	static RpcReply item(JsonNode value) {
		return new RpcReply(Kind.ITEM, value);
	}

	static RpcReply done() {
		return new RpcReply(Kind.DONE, null);
	}

}
