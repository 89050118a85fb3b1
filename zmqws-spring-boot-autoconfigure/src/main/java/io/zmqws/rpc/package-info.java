/**
 * RPC: {@code @ZmqRpc} beans, their discovery, argument binding and invocation, serving
 * them over a ZeroMQ ROUTER socket, and calling remote ZeroMQ RPC services.
 * <p>
 * Knows nothing of the transports that carry browser calls.
 */
package io.zmqws.rpc;
