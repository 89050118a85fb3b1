package io.zmqws.autoconfigure;

import io.zmqws.protocol.JsonProtocolCodec;
import io.zmqws.protocol.ProtocolCodec;
import io.zmqws.session.SessionSettings;
import io.zmqws.socket.ZmqEndpoints;
import org.zeromq.ZMQ;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the zmqws core: the named ZeroMQ endpoints, the protocol codec
 * and the per-connection settings.
 */
@AutoConfiguration
@ConditionalOnClass(ZMQ.class)
@EnableConfigurationProperties(ZmqwsProperties.class)
public final class ZmqwsAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	ZmqEndpoints zmqEndpoints(ZmqwsProperties properties) {
		ZmqwsProperties.Zmq zmq = properties.getZmq();
		ZmqEndpoints endpoints = new ZmqEndpoints(EndpointDefinitions.from(properties), zmq.getIoThreads(),
				zmq.getStartTimeout(), zmq.getStopTimeout());
		endpoints.start();
		return endpoints;
	}

	@Bean
	@ConditionalOnMissingBean
	ProtocolCodec zmqwsProtocolCodec() {
		return new JsonProtocolCodec();
	}

	@Bean
	@ConditionalOnMissingBean
	SessionSettings zmqwsSessionSettings(ZmqwsProperties properties) {
		ZmqwsProperties.Session session = properties.getSession();
		return new SessionSettings(session.getMaxSockets(), session.getMaxSubscriptions(),
				session.getMaxPendingRequests(), session.getOutboundCapacity(), session.getOverflowPolicy(),
				properties.getWebsocket().getMaxFrameSize().toBytes());
	}

}
