package io.zmqws.socket;

import java.time.Duration;

/**
 * A named endpoint's connection to ZeroMQ peers, whatever carries it.
 */
public interface ZmqEndpoint {

	/** The endpoint this serves. */
	EndpointDefinition endpoint();

	/** The number of peer connections established now. */
	int connectedPeers();

	/**
	 * Sets up the endpoint and returns once it is ready.
	 * @throws IllegalStateException when it cannot be set up
	 */
	void start(Duration timeout);

	/**
	 * Stops the endpoint, failing what is still pending, and closes its connections.
	 * @return whether it stopped within the timeout
	 */
	boolean stop(Duration timeout);

}
