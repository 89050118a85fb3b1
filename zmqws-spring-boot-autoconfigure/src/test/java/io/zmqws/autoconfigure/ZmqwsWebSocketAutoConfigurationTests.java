package io.zmqws.autoconfigure;

import io.zmqws.protocol.ProtocolCodec;
import io.zmqws.pubsub.ConnectionRegistry;
import io.zmqws.server.ZmqwsWebSocketHandler;
import io.zmqws.security.AccessPolicy;
import io.zmqws.server.KeepAlive;
import io.zmqws.server.LeanHandshakeUpgradeStrategy;
import io.zmqws.session.SessionServices;
import io.zmqws.session.SessionSettings;
import io.zmqws.socket.ZmqEndpoints;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ZmqwsWebSocketAutoConfiguration}.
 */
class ZmqwsWebSocketAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ZmqwsAutoConfiguration.class, ZmqwsRpcAutoConfiguration.class,
					ZmqwsWebSocketAutoConfiguration.class));

	@Test
	void mapsTheHandlerOnTheConfiguredPath() {
		this.contextRunner.withPropertyValues("zmqws.websocket.path=/gateway").run((context) -> {
			assertThat(context).hasSingleBean(ZmqwsWebSocketHandler.class);
			SimpleUrlHandlerMapping mapping = (SimpleUrlHandlerMapping) context.getBean("zmqwsHandlerMapping",
					HandlerMapping.class);
			assertThat(mapping.getUrlMap()).containsOnlyKeys("/gateway");
		});
	}

	@Test
	void appliesFrameLimitThenCustomizersInOrder() {
		this.contextRunner.withPropertyValues("zmqws.websocket.max-frame-size=16KB")
			.withUserConfiguration(Customizers.class)
			.run((context) -> {
				HandshakeWebSocketService service = (HandshakeWebSocketService) context.getBean("zmqwsWebSocketService",
						WebSocketService.class);
				LeanHandshakeUpgradeStrategy lean = (LeanHandshakeUpgradeStrategy) service.getUpgradeStrategy();
				WebsocketServerSpec spec = ((ReactorNettyRequestUpgradeStrategy) lean.getDelegate())
					.getWebsocketServerSpec();
				assertThat(spec.maxFramePayloadLength()).isEqualTo(16 * 1024);
				assertThat(spec.compress()).isFalse();
			});
	}

	@Test
	void backsOffWhenTheUserDefinesTheHandler() {
		this.contextRunner.withUserConfiguration(UserHandler.class)
			.run((context) -> assertThat(context).hasSingleBean(ZmqwsWebSocketHandler.class)
				.getBean(ZmqwsWebSocketHandler.class)
				.isSameAs(context.getBean("userHandler")));
	}

	@Test
	void notConfiguredWithoutReactorNetty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HttpServer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ZmqwsWebSocketHandler.class)
				.doesNotHaveBean("zmqwsHandlerMapping"));
	}

	@Test
	void notConfiguredInANonWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ZmqwsAutoConfiguration.class, ZmqwsRpcAutoConfiguration.class,
					ZmqwsWebSocketAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ZmqwsWebSocketHandler.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		@Bean
		@Order(2)
		ZmqwsWebSocketServerSpecCustomizer disableCompressionLast() {
			return (builder) -> builder.compress(false);
		}

		@Bean
		@Order(1)
		ZmqwsWebSocketServerSpecCustomizer enableCompressionFirst() {
			return (builder) -> builder.compress(true);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserHandler {

		@Bean
		ZmqwsWebSocketHandler userHandler(ZmqEndpoints endpoints, ConnectionRegistry connections,
				ProtocolCodec codec, SessionSettings settings) {
			return new ZmqwsWebSocketHandler(new SessionServices(endpoints, null, connections,
					AccessPolicy.allowDeclared(), null, settings), codec, new KeepAlive(Duration.ZERO, Duration.ZERO));
		}

	}

}
