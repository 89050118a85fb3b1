package io.zmqws.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;

/**
 * Upgrades requests to the zmqws path to WebSocket connections served by a
 * {@link ZmqwsWebSocketHandler}, with the gateway's own {@link WebSocketService} (and so
 * its own frame limits).
 * <p>
 * A handshake from a page whose origin the {@link OriginPolicy} refuses gets 403; one that
 * offers subprotocols without the gateway's in its first {@code Sec-WebSocket-Protocol}
 * header (where browsers put their whole list) gets 400; one that offers none gets the
 * default protocol.
 */
public class ZmqwsWebSocketWebHandler implements WebHandler {

	private static final String PROTOCOL_HEADER = "Sec-WebSocket-Protocol";

	private final WebSocketService webSocketService;

	private final ZmqwsWebSocketHandler handler;

	private final OriginPolicy originPolicy;

	private final WebSessions webSessions;

	public ZmqwsWebSocketWebHandler(WebSocketService webSocketService, ZmqwsWebSocketHandler handler,
			OriginPolicy originPolicy, WebSessions webSessions) {
		this.webSocketService = webSocketService;
		this.handler = handler;
		this.originPolicy = originPolicy;
		this.webSessions = webSessions;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		if (!this.originPolicy.allows(exchange.getRequest())) {
			return refuse(exchange, HttpStatus.FORBIDDEN, "Origin not allowed");
		}
		List<String> offered = exchange.getRequest().getHeaders().get(PROTOCOL_HEADER);
		if (offered != null && !offered.isEmpty()) {
			String selected = select(offered.subList(0, 1));
			if (selected != null) {
				// Browsers list protocols as "a, b"; the upgrade takes the first header line
				// untrimmed, so hand it the one protocol chosen here.
				ServerWebExchange chosen = exchange.mutate()
					.request((request) -> request.headers((headers) -> headers.set(PROTOCOL_HEADER, selected)))
					.build();
				return upgrade(chosen);
			}
			return refuse(exchange, HttpStatus.BAD_REQUEST,
					"Unsupported WebSocket subprotocol; supported: " + String.join(", ", this.handler.getSubProtocols()));
		}
		return upgrade(exchange);
	}

	private Mono<Void> upgrade(ServerWebExchange exchange) {
		String http = HttpVersions.of(exchange.getRequest());
		return this.webSessions.remember(exchange)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((webSessionId) -> this.webSocketService.handleRequest(exchange,
					this.handler.forHandshake(http, webSessionId.orElse(null))));
	}

	private static Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, String reason) {
		ServerHttpResponse response = exchange.getResponse();
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.TEXT_PLAIN);
		byte[] body = reason.getBytes(StandardCharsets.UTF_8);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
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
