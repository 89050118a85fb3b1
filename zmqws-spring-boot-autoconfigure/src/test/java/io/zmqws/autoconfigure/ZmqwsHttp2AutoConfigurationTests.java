package io.zmqws.autoconfigure;

import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.web.server.Http2;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ZmqwsHttp2AutoConfiguration}.
 */
class ZmqwsHttp2AutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ZmqwsAutoConfiguration.class, ZmqwsHttp2AutoConfiguration.class));

	@Test
	void customizesTheServerLastByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasBean("zmqwsHttp2WebSocketCustomizer");
			assertThat(((Ordered) context.getBean("zmqwsHttp2WebSocketCustomizer")).getOrder())
				.isEqualTo(Ordered.LOWEST_PRECEDENCE);
		});
	}

	@Test
	void backsOffWhenTurnedOff() {
		this.contextRunner.withPropertyValues("zmqws.http2.websocket=false")
			.run((context) -> assertThat(context).doesNotHaveBean("zmqwsHttp2WebSocketCustomizer"));
	}

	@Test
	void enablesExtendedConnectOnlyWhenTheServerSpeaksHttp2() {
		this.contextRunner.run((context) -> {
			WebServerFactoryCustomizer<NettyReactiveWebServerFactory> customizer = customizer(context);
			NettyReactiveWebServerFactory http11 = new NettyReactiveWebServerFactory();
			customizer.customize(http11);
			assertThat(http11.getServerCustomizers()).isEmpty();

			NettyReactiveWebServerFactory http2 = new NettyReactiveWebServerFactory();
			Http2 enabled = new Http2();
			enabled.setEnabled(true);
			http2.setHttp2(enabled);
			customizer.customize(http2);
			HttpServer server = HttpServer.create();
			for (NettyServerCustomizer serverCustomizer : http2.getServerCustomizers()) {
				server = serverCustomizer.apply(server);
			}
			assertThat(server.configuration().http2SettingsSpec().connectProtocolEnabled()).isTrue();
		});
	}

	@SuppressWarnings("unchecked")
	private static WebServerFactoryCustomizer<NettyReactiveWebServerFactory> customizer(
			org.springframework.context.ApplicationContext context) {
		return (WebServerFactoryCustomizer<NettyReactiveWebServerFactory>) context
			.getBean("zmqwsHttp2WebSocketCustomizer");
	}

}
