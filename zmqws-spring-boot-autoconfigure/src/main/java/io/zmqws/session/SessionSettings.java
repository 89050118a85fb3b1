package io.zmqws.session;

import java.time.Duration;

/**
 * Per-connection limits and policies.
 *
 * @param maxSockets virtual sockets open at once
 * @param maxSubscriptions topic and path subscriptions across the connection
 * @param maxPendingRequests requests awaiting replies at once
 * @param outboundCapacity messages queued for the client before the overflow policy
 * applies
 * @param overflowPolicy what happens when the outbound queue is full
 * @param maxMessageSize the largest inbound WebSocket message, in bytes
 * @param maxFunctions browser functions a connection may register
 * @param maxMessagesPerSecond inbound messages a connection may send per second (0: no
 * limit); beyond it messages are refused with {@code rate_limited}, and at twice the rate
 * the connection is closed with 1008
 * @param maxConnectionsPerUser connections one authenticated user may hold at once
 * @param guardCacheTtl how long a connection keeps an event guard's answer
 */
public record SessionSettings(int maxSockets, int maxSubscriptions, int maxPendingRequests, int outboundCapacity,
		OverflowPolicy overflowPolicy, long maxMessageSize, int maxFunctions, int maxMessagesPerSecond,
		int maxConnectionsPerUser, Duration guardCacheTtl) {
}
