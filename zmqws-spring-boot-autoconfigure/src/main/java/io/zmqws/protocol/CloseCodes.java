package io.zmqws.protocol;

/**
 * WebSocket close codes used by the gateway.
 */
public final class CloseCodes {

	/** The client or server ended the connection normally. */
	public static final int NORMAL = 1000;

	/** The server is shutting down. */
	public static final int GOING_AWAY = 1001;

	/** The client broke the protocol in a way the connection cannot survive. */
	public static final int PROTOCOL_ERROR = 1002;

	/** A policy was violated, e.g. the client could not keep up with its messages. */
	public static final int POLICY_VIOLATION = 1008;

	/** A frame exceeded the maximum message size. */
	public static final int MESSAGE_TOO_BIG = 1009;

	/** An unexpected server error. */
	public static final int INTERNAL_ERROR = 1011;

	private CloseCodes() {
	}

}
