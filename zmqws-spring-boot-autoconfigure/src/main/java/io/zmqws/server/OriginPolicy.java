package io.zmqws.server;

import java.net.URI;
import java.util.List;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.cors.CorsConfiguration;

/**
 * Which pages may open the gateway's WebSocket, judged by the handshake's {@code Origin}
 * header, against cross-site WebSocket hijacking: a page on another site cannot use the
 * browser's cookies for this site to connect.
 * <p>
 * The same origin is always allowed; others only when they match an allowed origin
 * pattern such as {@code https://*.example.com}. A handshake without {@code Origin}
 * comes from a non-browser client and is allowed: it carries no ambient browser
 * credentials.
 */
public final class OriginPolicy {

	private final CorsConfiguration allowed = new CorsConfiguration();

	/**
	 * @param allowedOriginPatterns origins allowed besides the same origin; {@code *}
	 * allows any
	 */
	public OriginPolicy(List<String> allowedOriginPatterns) {
		this.allowed.setAllowedOriginPatterns(List.copyOf(allowedOriginPatterns));
	}

	/** Whether the handshake may proceed. */
	public boolean allows(ServerHttpRequest request) {
		String origin = request.getHeaders().getOrigin();
		if (origin == null) {
			return true;
		}
		return isSameOrigin(origin, request.getURI()) || this.allowed.checkOrigin(origin) != null;
	}

	private static boolean isSameOrigin(String origin, URI target) {
		URI source;
		try {
			source = URI.create(origin);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		if (source.getScheme() == null || source.getHost() == null || target.getHost() == null) {
			return false;
		}
		String targetScheme = switch (String.valueOf(target.getScheme())) {
			case "wss", "https" -> "https";
			default -> "http";
		};
		return source.getScheme().equalsIgnoreCase(targetScheme) && source.getHost().equalsIgnoreCase(target.getHost())
				&& port(source) == port(target);
	}

	private static int port(URI uri) {
		if (uri.getPort() != -1) {
			return uri.getPort();
		}
		return switch (String.valueOf(uri.getScheme()).toLowerCase()) {
			case "https", "wss" -> 443;
			default -> 80;
		};
	}

}
