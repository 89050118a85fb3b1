package io.zmqws.autoconfigure;

import reactor.netty.http.server.WebsocketServerSpec;

/**
 * Callback to customize the Reactor Netty WebSocket settings of the zmqws endpoint, e.g.
 * to enable compression. Applied after zmqws sets the frame limit, in
 * {@link org.springframework.core.Ordered order}.
 */
@FunctionalInterface
public interface ZmqwsWebSocketServerSpecCustomizer {

	void customize(WebsocketServerSpec.Builder builder);

}
