package io.zmqws.server;

import java.util.function.UnaryOperator;

import reactor.netty.http.Http2SettingsSpec;
import reactor.netty.http.server.HttpServer;

/**
 * Lets WebSockets run over HTTP/2 streams (RFC 8441): the server advertises
 * {@code SETTINGS_ENABLE_CONNECT_PROTOCOL} and accepts the extended {@code CONNECT}
 * handshake with {@code :protocol websocket}.
 * <p>
 * Reactor Netty's {@link HttpServer#http2Settings} replaces all HTTP/2 settings at once;
 * this keeps every setting already made (such as the header list size that Spring Boot
 * derives from {@code server.max-http-request-header-size}) and only adds the one it is
 * about, so apply it after whatever else configures HTTP/2.
 */
public final class Http2WebSocketSettings implements UnaryOperator<HttpServer> {

	@Override
	public HttpServer apply(HttpServer server) {
		Http2SettingsSpec current = server.configuration().http2SettingsSpec();
		return server.http2Settings((settings) -> {
			if (current != null) {
				copy(current, settings);
			}
			settings.connectProtocolEnabled(true);
		});
	}

	private static void copy(Http2SettingsSpec from, Http2SettingsSpec.Builder to) {
		if (from.maxConcurrentStreams() != null) {
			to.maxConcurrentStreams(from.maxConcurrentStreams());
		}
		if (from.maxHeaderListSize() != null) {
			to.maxHeaderListSize(from.maxHeaderListSize());
		}
		if (from.pingAckDropThreshold() != null) {
			to.pingAckDropThreshold(from.pingAckDropThreshold());
		}
		if (from.headerTableSize() != null) {
			to.headerTableSize(from.headerTableSize());
		}
		if (from.initialWindowSize() != null) {
			to.initialWindowSize(from.initialWindowSize());
		}
		if (from.maxFrameSize() != null) {
			to.maxFrameSize(from.maxFrameSize());
		}
		if (from.maxStreams() != null) {
			to.maxStreams(from.maxStreams());
		}
		if (from.pingAckTimeout() != null) {
			to.pingAckTimeout(from.pingAckTimeout());
		}
		if (from.maxDecodedRstFramesPerWindow() != null && from.maxDecodedRstFramesSecondsPerWindow() != null) {
			to.maxDecodedRstFramesPerWindow(from.maxDecodedRstFramesPerWindow(),
					from.maxDecodedRstFramesSecondsPerWindow());
		}
		if (from.maxEncodedRstFramesPerWindow() != null && from.maxEncodedRstFramesSecondsPerWindow() != null) {
			to.maxEncodedRstFramesPerWindow(from.maxEncodedRstFramesPerWindow(),
					from.maxEncodedRstFramesSecondsPerWindow());
		}
	}

}
