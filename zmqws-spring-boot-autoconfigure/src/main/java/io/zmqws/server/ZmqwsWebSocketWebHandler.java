package io.zmqws.server;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;

/**
 * Upgrades requests to the zmqws path to WebSocket connections served by a
 * {@link ZmqwsWebSocketHandler}, with the gateway's own {@link WebSocketService} (and so
 * its own frame limits).
 */
public class ZmqwsWebSocketWebHandler implements WebHandler {

	private final WebSocketService webSocketService;

	private final WebSocketHandler handler;

	public ZmqwsWebSocketWebHandler(WebSocketService webSocketService, WebSocketHandler handler) {
		this.webSocketService = webSocketService;
		this.handler = handler;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		return this.webSocketService.handleRequest(exchange, this.handler);
	}

}
