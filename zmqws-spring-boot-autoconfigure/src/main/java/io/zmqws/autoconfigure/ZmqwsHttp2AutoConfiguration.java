package io.zmqws.autoconfigure;

import io.zmqws.server.Http2WebSocketSettings;
import io.zmqws.socket.ZmqEndpoints;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.Http2;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * Auto-configuration of WebSockets over HTTP/2 (RFC 8441) on Reactor Netty, when Spring
 * Boot serves HTTP/2 ({@code server.http2.enabled}: h2 with TLS, h2c without) and
 * {@code zmqws.http2.websocket} is not turned off.
 * <p>
 * Spring Boot configures HTTP/2 itself, through its own {@code NettyServerCustomizer}s;
 * the zmqws setting is added by a {@link WebServerFactoryCustomizer} ordered last, so
 * that it comes after them and keeps what they set.
 */
@AutoConfiguration(after = ZmqwsAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ HttpServer.class, NettyReactiveWebServerFactory.class })
@ConditionalOnBean(ZmqEndpoints.class)
@ConditionalOnBooleanProperty(name = "zmqws.http2.websocket", matchIfMissing = true)
public final class ZmqwsHttp2AutoConfiguration {

	@Bean
	WebServerFactoryCustomizer<NettyReactiveWebServerFactory> zmqwsHttp2WebSocketCustomizer() {
		return new Http2WebSocketCustomizer();
	}

	/** Adds extended CONNECT to the HTTP/2 settings of a server that speaks HTTP/2. */
	static final class Http2WebSocketCustomizer
			implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

		@Override
		public void customize(NettyReactiveWebServerFactory factory) {
			Http2 http2 = factory.getHttp2();
			if (http2 != null && http2.isEnabled()) {
				factory.addServerCustomizers(new Http2WebSocketSettings()::apply);
			}
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

	}

}
