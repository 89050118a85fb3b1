package io.zmqws.session;

import io.zmqws.pubsub.ConnectionRegistry;
import io.zmqws.rpc.RpcDispatcher;
import io.zmqws.security.AccessPolicy;
import io.zmqws.security.TokenAuthenticator;
import io.zmqws.socket.ZmqEndpoints;

/**
 * What every session of a gateway shares.
 *
 * @param endpoints the named ZeroMQ endpoints
 * @param rpc the RPC dispatcher, or {@code null} without RPC
 * @param connections where sessions register for server-side publishing
 * @param accessPolicy decides what clients may reach
 * @param tokenAuthenticator checks in-band tokens, or {@code null} when none are accepted
 * @param settings per-connection limits and policies
 */
public record SessionServices(ZmqEndpoints endpoints, RpcDispatcher rpc, ConnectionRegistry connections,
		AccessPolicy accessPolicy, TokenAuthenticator tokenAuthenticator, SessionSettings settings) {
}
