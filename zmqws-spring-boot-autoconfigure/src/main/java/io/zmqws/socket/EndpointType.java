package io.zmqws.socket;

/**
 * The kind of ZeroMQ service a named endpoint reaches, as seen by clients.
 */
public enum EndpointType {

	/**
	 * Request/reply towards REP or ROUTER backends; the gateway uses one DEALER socket
	 * and correlates replies itself, so many requests can be in flight at once.
	 */
	REQ,

	/** Topic-prefix subscriptions to PUB (or XPUB) backends through one shared SUB socket. */
	SUB,

	/** Fire-and-forget messages to PULL backends through one PUSH socket. */
	PUSH,

	/**
	 * A remote RPC service speaking the zmqws RPC envelope (REP or ROUTER), reached with
	 * RPC calls named {@code <endpoint>.<method>} rather than with virtual sockets.
	 */
	RPC

}
