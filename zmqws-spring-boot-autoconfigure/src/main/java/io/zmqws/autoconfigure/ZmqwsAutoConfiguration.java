package io.zmqws.autoconfigure;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.zmqws.protocol.JsonProtocolCodec;
import io.zmqws.protocol.MessagePackProtocolCodec;
import io.zmqws.protocol.ProtocolCodec;
import io.zmqws.protocol.ProtocolCodecs;
import io.zmqws.pubsub.ConnectionRegistry;
import io.zmqws.pubsub.EventGuard;
import io.zmqws.pubsub.ZmqwsTemplate;
import io.zmqws.security.AccessPolicy;
import io.zmqws.session.SessionSettings;
import io.zmqws.socket.ZmqEndpoints;
import io.zmqws.socket.ZmtpTransport;
import org.msgpack.core.MessagePack;
import org.zeromq.ZMQ;
import reactor.netty.http.HttpResources;
import reactor.netty.resources.LoopResources;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Auto-configuration of the zmqws core: the named ZeroMQ endpoints, the protocol codec,
 * the per-connection settings, the access policy, and server-side publishing.
 */
@AutoConfiguration
@ConditionalOnClass(ZMQ.class)
@EnableConfigurationProperties(ZmqwsProperties.class)
public final class ZmqwsAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ZmqEndpoints zmqEndpoints(ZmqwsProperties properties, ObjectProvider<ZmtpTransport> zmtpTransport) {
		ZmqwsProperties.Zmq zmq = properties.getZmq();
		positive("zmqws.zmq.io-threads", zmq.getIoThreads());
		ZmtpTransport transport = (zmq.getRequestEngine() == ZmqwsProperties.RequestEngine.ZMTP)
				? zmtpTransport.getIfAvailable() : null;
		ZmqEndpoints endpoints = new ZmqEndpoints(EndpointDefinitions.from(properties), zmq.getIoThreads(),
				zmq.getStartTimeout(), zmq.getStopTimeout(), (transport != null) ? transport::requestChannel : null);
		endpoints.start();
		return endpoints;
	}

	@Bean
	@ConditionalOnMissingBean(name = "zmqwsEndpointsLifecycle")
	ZmqEndpointsLifecycle zmqwsEndpointsLifecycle(ZmqEndpoints endpoints) {
		return new ZmqEndpointsLifecycle(endpoints);
	}

	@Bean
	@ConditionalOnMissingBean
	ConnectionRegistry zmqwsConnectionRegistry() {
		return new ConnectionRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	ZmqwsTemplate zmqwsTemplate(ConnectionRegistry connections, ObjectProvider<JsonMapper> jsonMapper,
			ListableBeanFactory beanFactory) {
		return new ZmqwsTemplate(connections, jsonMapper.getIfAvailable(JsonMapper::new),
				(name) -> beanFactory.containsBean(name) && beanFactory.isTypeMatch(name, EventGuard.class)
						? beanFactory.getBean(name, EventGuard.class) : null);
	}

	@Bean
	@ConditionalOnMissingBean
	AccessPolicy zmqwsAccessPolicy() {
		return AccessPolicy.allowDeclared();
	}

	@Bean
	@ConditionalOnMissingBean
	@Order(0)
	JsonProtocolCodec zmqwsJsonProtocolCodec() {
		return new JsonProtocolCodec();
	}

	/**
	 * The ZMTP request engine's event loops when Reactor Netty is on the class path: the
	 * web server's own, through its {@link ReactorResourceFactory} when there is one.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Bootstrap.class, LoopResources.class, ReactorResourceFactory.class })
	static class ZmtpConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ZmtpTransport zmqwsZmtpTransport(ObjectProvider<ReactorResourceFactory> resourceFactory) {
			ReactorResourceFactory factory = resourceFactory.getIfAvailable();
			LoopResources loops = (factory != null) ? factory.getLoopResources() : HttpResources.get();
			EventLoopGroup group = loops.onServer(LoopResources.DEFAULT_NATIVE);
			return new ZmtpTransport(group, loops.onChannelClass(SocketChannel.class, group));
		}

	}

	/** MessagePack ({@code zmqws.v1.msgpack}) when msgpack-core is on the class path. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MessagePack.class)
	static class MessagePackConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@Order(10)
		MessagePackProtocolCodec zmqwsMessagePackProtocolCodec() {
			return new MessagePackProtocolCodec();
		}

	}

	@Bean
	@ConditionalOnMissingBean
	ProtocolCodecs zmqwsProtocolCodecs(ObjectProvider<ProtocolCodec> codecs) {
		return new ProtocolCodecs(codecs.orderedStream().toList(), JsonProtocolCodec.SUBPROTOCOL);
	}

	@Bean
	@ConditionalOnMissingBean
	SessionSettings zmqwsSessionSettings(ZmqwsProperties properties) {
		ZmqwsProperties.Session session = properties.getSession();
		positive("zmqws.session.max-sockets", session.getMaxSockets());
		positive("zmqws.session.max-subscriptions", session.getMaxSubscriptions());
		positive("zmqws.session.max-pending-requests", session.getMaxPendingRequests());
		positive("zmqws.session.outbound-capacity", session.getOutboundCapacity());
		positive("zmqws.session.max-functions", session.getMaxFunctions());
		positive("zmqws.session.max-connections-per-user", session.getMaxConnectionsPerUser());
		if (session.getMaxMessagesPerSecond() < 0) {
			throw new InvalidConfigurationPropertyValueException("zmqws.session.max-messages-per-second",
					session.getMaxMessagesPerSecond(), "Must not be negative");
		}
		positive("zmqws.websocket.max-frame-size", properties.getWebsocket().getMaxFrameSize().toBytes());
		return new SessionSettings(session.getMaxSockets(), session.getMaxSubscriptions(),
				session.getMaxPendingRequests(), session.getOutboundCapacity(), session.getOverflowPolicy(),
				maxFrameSize(properties), session.getMaxFunctions(), session.getMaxMessagesPerSecond(),
				session.getMaxConnectionsPerUser(), properties.getSecurity().getGuardCacheTtl());
	}

	/** The WebSocket frame limit, as Reactor Netty can apply it. */
	static int maxFrameSize(ZmqwsProperties properties) {
		return (int) Math.min(Integer.MAX_VALUE, properties.getWebsocket().getMaxFrameSize().toBytes());
	}

	private static void positive(String property, long value) {
		if (value <= 0) {
			throw new InvalidConfigurationPropertyValueException(property, value, "Must be greater than zero");
		}
	}

}
