package io.zmqws.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.zmqws.protocol.ProtocolCodecs;
import io.zmqws.pubsub.ConnectionRegistry;
import io.zmqws.rpc.RpcDispatcher;
import io.zmqws.security.AccessPolicy;
import io.zmqws.security.TokenAuthenticator;
import io.zmqws.security.ZmqwsLogoutHandler;
import io.zmqws.session.SessionServices;
import io.zmqws.server.KeepAlive;
import io.zmqws.server.ReactorNettyUpgradeStrategy;
import io.zmqws.server.OriginPolicy;
import io.zmqws.server.SseSettings;
import io.zmqws.server.WebSessions;
import io.zmqws.server.ZmqwsClientScriptHandler;
import io.zmqws.server.ZmqwsSseHandler;
import io.zmqws.server.ZmqwsWebSocketHandler;
import io.zmqws.server.ZmqwsWebSocketWebHandler;
import io.zmqws.session.SessionSettings;
import io.zmqws.socket.ZmqEndpoints;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.web.server.authentication.logout.ServerLogoutHandler;
import org.springframework.util.StringUtils;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;

/**
 * Auto-configuration of the zmqws WebSocket endpoint on a reactive (WebFlux on Reactor
 * Netty) web application.
 */
@AutoConfiguration(after = { ZmqwsAutoConfiguration.class, ZmqwsRpcAutoConfiguration.class,
		WebFluxAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ WebSocketHandler.class, HttpServer.class })
@ConditionalOnBean(ZmqEndpoints.class)
public final class ZmqwsWebSocketAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SessionServices zmqwsSessionServices(ZmqEndpoints endpoints, ObjectProvider<RpcDispatcher> rpc,
			ConnectionRegistry connections, AccessPolicy accessPolicy,
			ObjectProvider<TokenAuthenticator> tokenAuthenticator, SessionSettings settings) {
		return new SessionServices(endpoints, rpc.getIfAvailable(), connections, accessPolicy,
				tokenAuthenticator.getIfAvailable(), settings);
	}

	@Bean
	@ConditionalOnMissingBean
	WebSessions zmqwsWebSessions(ConnectionRegistry connections) {
		return new WebSessions(connections);
	}

	@Bean
	@ConditionalOnMissingBean
	ZmqwsWebSocketHandler zmqwsWebSocketHandler(ZmqwsProperties properties, SessionServices services,
			ProtocolCodecs codecs, WebSessions webSessions) {
		ZmqwsProperties.WebSocket websocket = properties.getWebsocket();
		return new ZmqwsWebSocketHandler(services, codecs,
				new KeepAlive(websocket.getPingInterval(), websocket.getIdleTimeout()), webSessions);
	}

	@Bean
	@ConditionalOnMissingBean(name = "zmqwsWebSocketService")
	WebSocketService zmqwsWebSocketService(ZmqwsProperties properties,
			ObjectProvider<ZmqwsWebSocketServerSpecCustomizer> customizers) {
		int maxFrameSize = ZmqwsAutoConfiguration.maxFrameSize(properties);
		HandshakeWebSocketService service = new HandshakeWebSocketService(
				new ReactorNettyUpgradeStrategy(() -> {
					WebsocketServerSpec.Builder builder = WebsocketServerSpec.builder()
						.maxFramePayloadLength(maxFrameSize);
					customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
					return builder;
				}));
		return service;
	}

	@Bean
	@ConditionalOnMissingBean(name = "zmqwsHandlerMapping")
	HandlerMapping zmqwsHandlerMapping(ZmqwsProperties properties, ZmqwsWebSocketHandler handler,
			WebSocketService zmqwsWebSocketService, WebSessions webSessions) {
		SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(
				Map.of(properties.getWebsocket().getPath(), new ZmqwsWebSocketWebHandler(zmqwsWebSocketService, handler,
						new OriginPolicy(properties.getWebsocket().getAllowedOrigins()), webSessions)));
		mapping.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return mapping;
	}

	@Bean
	@ConditionalOnMissingBean(name = "zmqwsClientScriptHandlerMapping")
	HandlerMapping zmqwsClientScriptHandlerMapping(ZmqwsProperties properties) {
		String base = StringUtils.trimTrailingCharacter(properties.getWebsocket().getPath(), '/') + "/";
		ZmqwsClientScriptHandler scripts = new ZmqwsClientScriptHandler();
		SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(Map.of(base + ZmqwsClientScriptHandler.SCRIPT,
				scripts, base + ZmqwsClientScriptHandler.TYPES, scripts));
		mapping.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return mapping;
	}

	/** Closes a browser session's connections when it logs out. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ServerLogoutHandler.class)
	static class LogoutConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ZmqwsLogoutHandler zmqwsLogoutHandler(WebSessions webSessions) {
			return new ZmqwsLogoutHandler(webSessions::close);
		}

	}

	/** The HTTP fallback: an event stream and POST requests under {@code {path}/sse}. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "zmqws.sse.enabled", matchIfMissing = true)
	static class SseConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ZmqwsSseHandler zmqwsSseHandler(ZmqwsProperties properties, SessionServices services, ProtocolCodecs codecs,
				WebSessions webSessions) {
			ZmqwsProperties.Sse sse = properties.getSse();
			positive("zmqws.sse.replay-size", sse.getReplaySize());
			positive("zmqws.sse.max-batch-size", sse.getMaxBatchSize().toBytes());
			if (sse.getResumeTimeout().isNegative()) {
				throw new InvalidConfigurationPropertyValueException("zmqws.sse.resume-timeout",
						sse.getResumeTimeout(), "Must not be negative");
			}
			SseSettings settings = new SseSettings(sse.getResumeTimeout(), sse.getReplaySize(),
					(int) Math.min(Integer.MAX_VALUE, sse.getMaxBatchSize().toBytes()),
					properties.getWebsocket().getPingInterval());
			return new ZmqwsSseHandler(services, codecs, settings,
					new OriginPolicy(properties.getWebsocket().getAllowedOrigins()), webSessions);
		}

		@Bean
		@ConditionalOnMissingBean(name = "zmqwsSseHandlerMapping")
		HandlerMapping zmqwsSseHandlerMapping(ZmqwsProperties properties, ZmqwsSseHandler handler) {
			String base = ssePath(properties);
			String session = base + "/{" + ZmqwsSseHandler.SESSION_VARIABLE + "}";
			SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(Map.of(base, handler, session, handler));
			mapping.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
			List<String> origins = properties.getWebsocket().getAllowedOrigins();
			if (!origins.isEmpty()) {
				// pages of other origins read the stream and post with CORS (and no cookies)
				CorsConfiguration cors = new CorsConfiguration();
				cors.setAllowedOriginPatterns(List.copyOf(origins));
				cors.setAllowedMethods(List.of("GET", "POST", "DELETE"));
				cors.setAllowedHeaders(List.of(ZmqwsSseHandler.SEQ_HEADER, "Content-Type", "Last-Event-ID",
						"Authorization"));
				cors.setMaxAge(Duration.ofMinutes(30));
				mapping.setCorsConfigurations(Map.of(base, cors, session, cors));
			}
			return mapping;
		}

		private static void positive(String property, long value) {
			if (value <= 0) {
				throw new InvalidConfigurationPropertyValueException(property, value, "Must be greater than zero");
			}
		}

	}

	/** Where the HTTP fallback is served: {@code {zmqws.websocket.path}/sse}. */
	static String ssePath(ZmqwsProperties properties) {
		return StringUtils.trimTrailingCharacter(properties.getWebsocket().getPath(), '/') + "/sse";
	}

}
