package io.zmqws.session;

import java.net.InetSocketAddress;
import java.security.Principal;

/**
 * What the transport knows about a connection when it opens.
 *
 * @param id the session id
 * @param protocol the negotiated protocol, e.g. {@code zmqws.v1.json}
 * @param principal the authenticated user, or {@code null}
 * @param remoteAddress the client's address, or {@code null}
 * @param webSessionId the id of the browser's web session (e.g. after form login), or
 * {@code null}
 * @param transport {@code websocket} or {@code sse}
 * @param http the HTTP version the transport runs on: {@code 1.1} or {@code 2}
 * @param maxBatchSize the largest batch of client messages the transport takes in one
 * request, or {@code null} when it takes one message at a time
 */
public record SessionInfo(String id, String protocol, Principal principal, InetSocketAddress remoteAddress,
		String webSessionId, String transport, String http, Long maxBatchSize) {
}
