package io.zmqws.rpc;

import java.net.InetSocketAddress;
import java.security.Principal;

/**
 * Who is calling and over what; declare a parameter of this type on a {@link ZmqRpc}
 * method to receive it.
 *
 * @param transport {@code websocket} or {@code sse} for browser calls, {@code zmq} for
 * calls over the ROUTER socket
 * @param sessionId the caller's zmqws session id, or the ZeroMQ routing id in hex
 * @param principal the authenticated caller, or {@code null}
 * @param remoteAddress the caller's address when known, else {@code null}
 */
public record RpcCallContext(String transport, String sessionId, Principal principal,
		InetSocketAddress remoteAddress) {
}
