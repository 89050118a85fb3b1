package io.zmqws.protocol;

/**
 * Stable error codes carried by {@code error} messages. The wire form is
 * {@link #code()}; new codes may be added, existing codes never change meaning.
 */
public enum ErrorCode {

	/** The message cannot be read: not valid JSON or MessagePack, not an object, or the wrong kind of frame. */
	BAD_MESSAGE("bad_message"),
	/** The {@code op} field names no known operation. */
	UNKNOWN_OP("unknown_op"),
	/** A required field is absent. */
	MISSING_FIELD("missing_field"),
	/** A field has the wrong type or an impossible value. */
	INVALID_FIELD("invalid_field"),
	/** No endpoint of that name is configured (or the client may not know of it). */
	UNKNOWN_ENDPOINT("unknown_endpoint"),
	/** No virtual socket with that {@code sid} is open on this connection. */
	UNKNOWN_SOCKET("unknown_socket"),
	/** A virtual socket with that {@code sid} is already open. */
	SOCKET_EXISTS("socket_exists"),
	/** The operation is not valid for the virtual socket's type. */
	WRONG_SOCKET_TYPE("wrong_socket_type"),
	/** A per-connection limit (sockets, subscriptions, pending requests) is reached. */
	LIMIT_EXCEEDED("limit_exceeded"),
	/** The client sends more messages per second than allowed; this one was dropped. */
	RATE_LIMITED("rate_limited"),
	/** A token could not be verified, or names another user than the connection's. */
	UNAUTHENTICATED("unauthenticated"),
	/** The message is larger than the endpoint accepts. */
	MESSAGE_TOO_LARGE("message_too_large"),
	/** No reply arrived within the request timeout. */
	TIMEOUT("timeout"),
	/** The gateway cannot queue more work for this endpoint right now. */
	OVERLOADED("overloaded"),
	/** No backend is connected to take the message. */
	BACKEND_UNAVAILABLE("backend_unavailable"),
	/** The request was abandoned because its socket or the gateway closed. */
	CANCELLED("cancelled"),
	/** No RPC method of that name exists (or the caller may not know of it). */
	UNKNOWN_METHOD("unknown_method"),
	/** An RPC argument is missing, unexpected or of the wrong type; the message names it. */
	INVALID_ARGUMENT("invalid_argument"),
	/** No call with that id is in progress on this connection. */
	UNKNOWN_CALL("unknown_call"),
	/** The caller may not do this. */
	FORBIDDEN("forbidden"),
	/** An unexpected failure inside the gateway; details are in the server log. */
	INTERNAL("internal");

	private final String code;

	ErrorCode(String code) {
		this.code = code;
	}

	/** The code as written on the wire. */
	public String code() {
		return this.code;
	}

}
