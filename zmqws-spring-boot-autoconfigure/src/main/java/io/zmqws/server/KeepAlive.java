package io.zmqws.server;

import java.time.Duration;

/**
 * WebSocket keep-alive: the server pings every {@code pingInterval} (zero: never) and
 * closes a connection from which nothing, pongs included, arrived for
 * {@code idleTimeout} (zero: never).
 */
public record KeepAlive(Duration pingInterval, Duration idleTimeout) {
}
