package io.zmqws.socket;

import java.time.Duration;

/**
 * Per-endpoint ZeroMQ and gateway settings.
 *
 * @param requestTimeout how long a request may wait for its reply (REQ only)
 * @param maxPendingRequests how many requests may await replies on the endpoint at once
 * @param sendHighWaterMark ZeroMQ send high-water mark, in messages
 * @param receiveHighWaterMark ZeroMQ receive high-water mark, in messages
 * @param maxMessageSize the largest message, all frames together, in bytes, in either
 * direction
 * @param linger how long unsent messages are kept when the socket closes
 * @param reconnectInterval the first delay before reconnecting to a lost peer
 * @param reconnectIntervalMax the largest delay between reconnect attempts
 * @param immediate send only while a backend is connected: with none, requests and pushes
 * fail at once, and losing the last backend fails the pending requests at once
 * @param commandQueueCapacity how many operations may wait for the socket's thread
 * @param handshakeTimeout how long a new connection may take to complete the ZeroMQ
 * handshake before it is dropped and retried
 */
public record SocketOptions(Duration requestTimeout, int maxPendingRequests, int sendHighWaterMark,
		int receiveHighWaterMark, long maxMessageSize, Duration linger, Duration reconnectInterval,
		Duration reconnectIntervalMax, boolean immediate, int commandQueueCapacity, Duration handshakeTimeout) {

	/** Options with the documented defaults. */
	public static SocketOptions defaults() {
		return new SocketOptions(Duration.ofSeconds(5), 10_000, 1000, 1000, 1024 * 1024, Duration.ZERO,
				Duration.ofMillis(100), Duration.ofSeconds(5), true, 10_000, Duration.ofSeconds(5));
	}

}
