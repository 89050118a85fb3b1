package io.zmqws.server;

import java.time.Duration;

/**
 * Settings of the HTTP fallback transport.
 *
 * @param resumeTimeout how long a session waits for a new event stream after its stream
 * breaks
 * @param replaySize how many sent events a session keeps for replay on resume
 * @param maxBatchSize the largest {@code POST} body, in bytes
 * @param pingInterval how often an event stream gets a keep-alive comment; zero for never
 */
public record SseSettings(Duration resumeTimeout, int replaySize, int maxBatchSize, Duration pingInterval) {
}
