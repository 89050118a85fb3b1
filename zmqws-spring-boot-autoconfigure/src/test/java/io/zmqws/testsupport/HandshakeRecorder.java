package io.zmqws.testsupport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;

/**
 * Records the handshake attributes of every connection the gateway accepts, by wrapping
 * its {@code zmqwsWebSocketService}; add it to a test's application with
 * {@code @Import(HandshakeRecorder.class)} and inject it.
 */
public class HandshakeRecorder implements BeanPostProcessor {

	private final List<Map<String, Object>> attributes = new CopyOnWriteArrayList<>();

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof WebSocketService service && "zmqwsWebSocketService".equals(beanName)) {
			return (WebSocketService) (exchange, handler) -> service.handleRequest(exchange, new Recording(handler));
		}
		return bean;
	}

	/** The attributes of each accepted handshake so far, oldest first. */
	public List<Map<String, Object>> attributes() {
		return List.copyOf(this.attributes);
	}

	/** The attributes of the latest accepted handshake. */
	public Map<String, Object> last() {
		List<Map<String, Object>> all = attributes();
		if (all.isEmpty()) {
			throw new AssertionError("No handshake was accepted");
		}
		return all.get(all.size() - 1);
	}

	private final class Recording implements WebSocketHandler {

		private final WebSocketHandler handler;

		Recording(WebSocketHandler handler) {
			this.handler = handler;
		}

		@Override
		public List<String> getSubProtocols() {
			return this.handler.getSubProtocols();
		}

		@Override
		public Mono<Void> handle(WebSocketSession session) {
			HandshakeRecorder.this.attributes.add(Map.copyOf(session.getHandshakeInfo().getAttributes()));
			return this.handler.handle(session);
		}

	}

}
