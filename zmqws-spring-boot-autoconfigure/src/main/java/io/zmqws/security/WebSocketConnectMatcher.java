package io.zmqws.security;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Recognizes the handshake of a WebSocket over HTTP/2 (RFC 8441) to one path: an
 * extended {@code CONNECT} whose path, within the application, is exactly that path.
 * <p>
 * Spring Security judges requests by method name and knows {@code CONNECT} only as the
 * proxy tunnel method; for the gateway it is what {@code GET} is to a WebSocket over
 * HTTP/1.1. The server has already checked the {@code :protocol websocket}
 * pseudo-header (it is not visible past it).
 */
public final class WebSocketConnectMatcher {

	static final HttpMethod CONNECT = HttpMethod.valueOf("CONNECT");

	private final String path;

	/**
	 * @param path the WebSocket endpoint's path within the application, e.g.
	 * {@code /zmqws}
	 */
	public WebSocketConnectMatcher(String path) {
		this.path = path;
	}

	/** Whether {@code request} is a WebSocket handshake over HTTP/2 to the path. */
	public boolean matches(ServerHttpRequest request) {
		return CONNECT.equals(request.getMethod()) && this.path.equals(request.getPath().pathWithinApplication().value());
	}

}
