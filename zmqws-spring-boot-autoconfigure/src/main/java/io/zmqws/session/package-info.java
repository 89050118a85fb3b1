/**
 * One connection's state: virtual sockets, subscriptions, limits and the bounded
 * outbound queue.
 * <p>
 * Knows nothing of the transport that carries the messages.
 */
package io.zmqws.session;
