package io.zmqws.autoconfigure;

import io.zmqws.protocol.JsonProtocolCodec;
import io.zmqws.protocol.ProtocolCodec;
import io.zmqws.protocol.ProtocolCodecs;
import io.zmqws.pubsub.ConnectionRegistry;
import io.zmqws.server.ZmqwsWebSocketHandler;
import io.zmqws.security.AccessPolicy;
import io.zmqws.server.KeepAlive;
import io.zmqws.server.WebSessions;
import io.zmqws.server.ZmqwsSseHandler;
import io.zmqws.server.ReactorNettyUpgradeStrategy;
import io.zmqws.session.SessionServices;
import io.zmqws.session.SessionSettings;
import io.zmqws.socket.ZmqEndpoints;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.msgpack.core.MessagePack;
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
	void mapsTheHttpFallbackBesideTheWebSocket() {
		this.contextRunner.withPropertyValues("zmqws.websocket.path=/gateway/").run((context) -> {
			assertThat(context).hasSingleBean(ZmqwsSseHandler.class);
			SimpleUrlHandlerMapping mapping = (SimpleUrlHandlerMapping) context.getBean("zmqwsSseHandlerMapping",
					HandlerMapping.class);
			assertThat(mapping.getUrlMap()).containsOnlyKeys("/gateway/sse", "/gateway/sse/{session}");
		});
	}

	@Test
	void httpFallbackCanBeTurnedOff() {
		this.contextRunner.withPropertyValues("zmqws.sse.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(ZmqwsWebSocketHandler.class)
				.doesNotHaveBean(ZmqwsSseHandler.class)
				.doesNotHaveBean("zmqwsSseHandlerMapping"));
	}

	@Test
	void httpFallbackSettingsAreValidated() {
		this.contextRunner.withPropertyValues("zmqws.sse.replay-size=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("zmqws.sse.replay-size"));
		this.contextRunner.withPropertyValues("zmqws.sse.resume-timeout=-1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("zmqws.sse.resume-timeout"));
	}

	@Test
	void jsonIsTheDefaultCodecAndApplicationCodecsAreAdded() {
		this.contextRunner.withUserConfiguration(ExtraCodec.class).run((context) -> {
			ProtocolCodecs codecs = context.getBean(ProtocolCodecs.class);
			assertThat(codecs.defaultCodec()).isInstanceOf(JsonProtocolCodec.class);
			assertThat(codecs.subprotocols()).containsExactly("zmqws.v1.json", "zmqws.v1.msgpack", "example.v1");
			assertThat(context.getBean(ZmqwsWebSocketHandler.class).getSubProtocols())
				.containsExactly("zmqws.v1.json", "zmqws.v1.msgpack", "example.v1");
		});
	}

	@Test
	void speaksJsonOnlyWithoutMsgpackCore() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MessagePack.class))
			.run((context) -> assertThat(context.getBean(ProtocolCodecs.class).subprotocols())
				.containsExactly("zmqws.v1.json"));
	}

	@Test
	void appliesFrameLimitThenCustomizersInOrder() {
		this.contextRunner.withPropertyValues("zmqws.websocket.max-frame-size=16KB")
			.withUserConfiguration(Customizers.class)
			.run((context) -> {
				HandshakeWebSocketService service = (HandshakeWebSocketService) context.getBean("zmqwsWebSocketService",
						WebSocketService.class);
				WebsocketServerSpec spec = ((ReactorNettyUpgradeStrategy) service.getUpgradeStrategy())
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
	static class ExtraCodec {

		@Bean
		ProtocolCodec exampleCodec() {
			JsonProtocolCodec json = new JsonProtocolCodec();
			return new ProtocolCodec() {

				@Override
				public String subprotocol() {
					return "example.v1";
				}

				@Override
				public boolean textFrames() {
					return true;
				}

				@Override
				public io.zmqws.protocol.ClientMessage decode(byte[] bytes) {
					return json.decode(bytes);
				}

				@Override
				public byte[] encode(io.zmqws.protocol.ServerMessage message) {
					return json.encode(message);
				}

				@Override
				public java.util.List<byte[]> split(byte[] batch) {
					return json.split(batch);
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserHandler {

		@Bean
		ZmqwsWebSocketHandler userHandler(ZmqEndpoints endpoints, ConnectionRegistry connections,
				ProtocolCodecs codecs, SessionSettings settings) {
			return new ZmqwsWebSocketHandler(new SessionServices(endpoints, null, connections,
					AccessPolicy.allowDeclared(), null, settings), codecs, new KeepAlive(Duration.ZERO, Duration.ZERO),
					new WebSessions(connections));
		}

	}

}
