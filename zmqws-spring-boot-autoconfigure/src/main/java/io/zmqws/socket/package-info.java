/**
 * Named ZeroMQ endpoints: one thread per ZeroMQ socket, request correlation and
 * timeouts, the shared subscription hub, and push.
 * <p>
 * Knows nothing of WebSockets, sessions or security.
 */
package io.zmqws.socket;
