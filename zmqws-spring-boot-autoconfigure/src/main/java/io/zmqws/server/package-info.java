/**
 * WebFlux adapters that carry zmqws sessions over WebSockets.
 * <p>
 * Knows nothing of ZeroMQ internals.
 */
package io.zmqws.server;
