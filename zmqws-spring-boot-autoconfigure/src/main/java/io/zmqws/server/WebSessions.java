package io.zmqws.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.zmqws.protocol.CloseCodes;
import io.zmqws.pubsub.BrowserConnection;
import io.zmqws.pubsub.ConnectionRegistry;
import io.zmqws.session.CloseReason;
import io.zmqws.session.ZmqwsSession;
import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;

/**
 * The browser web sessions (e.g. after form login) that gateway connections were opened
 * under, so that those connections end when their web session expires or logs out.
 */
public final class WebSessions {

	private final Map<String, WebSession> sessions = new ConcurrentHashMap<>();

	private final ConnectionRegistry connections;

	public WebSessions(ConnectionRegistry connections) {
		this.connections = connections;
	}

	/**
	 * The id of the exchange's web session, remembered for expiry checks; empty when the
	 * request has no started web session.
	 */
	Mono<String> remember(ServerWebExchange exchange) {
		return exchange.getSession().filter(WebSession::isStarted).map((session) -> {
			this.sessions.put(session.getId(), session);
			return session.getId();
		});
	}

	/** Whether the web session {@code session} was opened under has expired. */
	boolean ended(ZmqwsSession session) {
		String id = session.webSessionId();
		WebSession webSession = (id != null) ? this.sessions.get(id) : null;
		if (webSession != null && webSession.isExpired()) {
			this.sessions.remove(id, webSession);
			return true;
		}
		return false;
	}

	/** Forgets a web session once no open connection uses it. */
	void forget(String id) {
		if (id != null && this.connections.all()
			.stream()
			.noneMatch((connection) -> connection instanceof ZmqwsSession other && id.equals(other.webSessionId()))) {
			this.sessions.remove(id);
		}
	}

	/** Closes, with 1008, the connections opened under a web session (on logout). */
	public void close(String webSessionId) {
		for (BrowserConnection connection : this.connections.all()) {
			if (connection instanceof ZmqwsSession session && webSessionId.equals(session.webSessionId())) {
				session.closeWith(new CloseReason(CloseCodes.POLICY_VIOLATION, "Logged out"));
			}
		}
	}

}
