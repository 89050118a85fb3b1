package io.zmqws.server;

import java.nio.charset.StandardCharsets;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;

/**
 * Upgrades requests to the zmqws path to WebSocket connections served by a
 * {@link ZmqwsWebSocketHandler}, with the gateway's own {@link WebSocketService} (and so
 * its own frame limits).
 * <p>
 * A handshake that offers subprotocols, none of them the gateway's, is refused with 400
 * before the upgrade; one that offers none gets the default protocol.
 */
public class ZmqwsWebSocketWebHandler implements WebHandler {

	private static final String PROTOCOL_HEADER = "Sec-WebSocket-Protocol";

	private final WebSocketService webSocketService;

	private final WebSocketHandler handler;

	public ZmqwsWebSocketWebHandler(WebSocketService webSocketService, WebSocketHandler handler) {
		this.webSocketService = webSocketService;
		this.handler = handler;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		List<String> offered = exchange.getRequest().getHeaders().get(PROTOCOL_HEADER);
		if (offered != null && !offered.isEmpty()) {
			String selected = select(offered);
			if (selected != null) {
				// Browsers list protocols as "a, b"; the upgrade takes the first header line
				// untrimmed, so hand it the one protocol chosen here.
				ServerWebExchange chosen = exchange.mutate()
					.request((request) -> request.headers((headers) -> headers.set(PROTOCOL_HEADER, selected)))
					.build();
				return this.webSocketService.handleRequest(chosen, this.handler);
			}
			ServerHttpResponse response = exchange.getResponse();
			response.setStatusCode(HttpStatus.BAD_REQUEST);
			response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
			byte[] body = ("Unsupported WebSocket subprotocol; supported: "
					+ String.join(", ", this.handler.getSubProtocols())).getBytes(StandardCharsets.UTF_8);
			return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
		}
		return this.webSocketService.handleRequest(exchange, this.handler);
	}

	private String select(List<String> offered) {
		for (String value : offered) {
			for (String protocol : StringUtils.commaDelimitedListToStringArray(value)) {
				if (this.handler.getSubProtocols().contains(protocol.trim())) {
					return protocol.trim();
				}
			}
		}
		return null;
	}

}
