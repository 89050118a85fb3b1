package io.zmqws.server;

import reactor.netty.http.server.HttpServerRequest;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;

/**
 * The HTTP version a request came over, as the {@code welcome} message reports it:
 * {@code 1.1} or {@code 2}.
 */
final class HttpVersions {

	static final String HTTP_1_1 = "1.1";

	static final String HTTP_2 = "2";

	private HttpVersions() {
	}

	static String of(ServerHttpRequest request) {
		if ("CONNECT".equals(request.getMethod().name())) {
			// WebSocket handshakes use extended CONNECT only over HTTP/2 (RFC 8441)
			return HTTP_2;
		}
		Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
		if (nativeRequest instanceof HttpServerRequest netty && netty.protocol().startsWith("HTTP/2")) {
			return HTTP_2;
		}
		return HTTP_1_1;
	}

}
