package io.zmqws.session;

/**
 * Why the gateway ends a connection: a WebSocket close code and a short reason.
 */
public record CloseReason(int code, String reason) {
}
