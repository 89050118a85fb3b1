package io.zmqws.security;

/**
 * Something a client asks to reach, for an {@link AccessPolicy} to decide on.
 */
public sealed interface AccessRequest {

	/** Open a virtual socket on the named endpoint. */
	record Endpoint(String name) implements AccessRequest {
	}

	/** Subscribe to a topic prefix on a SUB endpoint. */
	record Topic(String endpoint, byte[] topic) implements AccessRequest {
	}

	/** Subscribe to server-side events under a path. */
	record Path(String path) implements AccessRequest {
	}

	/** Call an RPC method, named {@code service.method}. */
	record Method(String name) implements AccessRequest {
	}

}
