package io.zmqws.autoconfigure;

import java.util.Map;

import io.zmqws.protocol.ProtocolCodec;
import io.zmqws.pubsub.ConnectionRegistry;
import io.zmqws.rpc.RpcDispatcher;
import io.zmqws.security.AccessPolicy;
import io.zmqws.security.TokenAuthenticator;
import io.zmqws.security.ZmqwsLogoutHandler;
import io.zmqws.session.SessionServices;
import io.zmqws.server.KeepAlive;
import io.zmqws.server.LeanHandshakeUpgradeStrategy;
import io.zmqws.server.OriginPolicy;
import io.zmqws.server.ZmqwsClientScriptHandler;
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
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.web.server.authentication.logout.ServerLogoutHandler;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;

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
	ZmqwsWebSocketHandler zmqwsWebSocketHandler(ZmqwsProperties properties, ZmqEndpoints endpoints,
			ObjectProvider<RpcDispatcher> rpc, ConnectionRegistry connections, AccessPolicy accessPolicy,
			ObjectProvider<TokenAuthenticator> tokenAuthenticator, ProtocolCodec codec, SessionSettings settings) {
		ZmqwsProperties.WebSocket websocket = properties.getWebsocket();
		SessionServices services = new SessionServices(endpoints, rpc.getIfAvailable(), connections, accessPolicy,
				tokenAuthenticator.getIfAvailable(), settings);
		return new ZmqwsWebSocketHandler(services, codec,
				new KeepAlive(websocket.getPingInterval(), websocket.getIdleTimeout()));
	}

	@Bean
	@ConditionalOnMissingBean(name = "zmqwsWebSocketService")
	WebSocketService zmqwsWebSocketService(ZmqwsProperties properties,
			ObjectProvider<ZmqwsWebSocketServerSpecCustomizer> customizers) {
		int maxFrameSize = ZmqwsAutoConfiguration.maxFrameSize(properties);
		HandshakeWebSocketService service = new HandshakeWebSocketService(
				new LeanHandshakeUpgradeStrategy(new ReactorNettyRequestUpgradeStrategy(() -> {
					WebsocketServerSpec.Builder builder = WebsocketServerSpec.builder()
						.maxFramePayloadLength(maxFrameSize);
					customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
					return builder;
				})));
		service.setSessionAttributePredicate(ZmqwsWebSocketHandler.WEB_SESSION_ID::equals);
		return service;
	}

	@Bean
	@ConditionalOnMissingBean(name = "zmqwsHandlerMapping")
	HandlerMapping zmqwsHandlerMapping(ZmqwsProperties properties, ZmqwsWebSocketHandler handler,
			WebSocketService zmqwsWebSocketService) {
		SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(
				Map.of(properties.getWebsocket().getPath(), new ZmqwsWebSocketWebHandler(zmqwsWebSocketService, handler,
						new OriginPolicy(properties.getWebsocket().getAllowedOrigins()))));
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
		ZmqwsLogoutHandler zmqwsLogoutHandler(ZmqwsWebSocketHandler handler) {
			return new ZmqwsLogoutHandler(handler::closeWebSession);
		}

	}

}
