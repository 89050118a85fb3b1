package io.zmqws.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import io.zmqws.rpc.RpcDispatcher;
import io.zmqws.rpc.RpcMethodRegistry;
import io.zmqws.rpc.RpcRouterServer;
import io.zmqws.security.AccessPolicy;
import io.zmqws.socket.EndpointDefinition;
import io.zmqws.socket.EndpointType;
import io.zmqws.socket.RequestChannel;
import io.zmqws.socket.ZmqEndpoint;
import io.zmqws.socket.SocketOptions;
import io.zmqws.socket.ZmqAddresses;
import io.zmqws.socket.ZmqEndpoints;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Conditional;

/**
 * Auto-configuration of RPC: discovery of {@code @ZmqRpc} beans, the dispatcher browser
 * and ZeroMQ calls go through, the bounded scheduler for blocking methods, remote RPC
 * endpoints, and the optional ROUTER server ({@code zmqws.rpc.bind}).
 */
@AutoConfiguration(after = ZmqwsAutoConfiguration.class)
@ConditionalOnBean(ZmqEndpoints.class)
public final class ZmqwsRpcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	static RpcMethodRegistry zmqwsRpcMethodRegistry(ListableBeanFactory beanFactory) {
		return new RpcMethodRegistry(beanFactory);
	}

	@Bean(destroyMethod = "dispose")
	@ConditionalOnMissingBean(name = "zmqwsRpcScheduler")
	Scheduler zmqwsRpcScheduler(ZmqwsProperties properties) {
		ZmqwsProperties.Rpc rpc = properties.getRpc();
		positive("zmqws.rpc.threads", rpc.getThreads());
		positive("zmqws.rpc.queue-capacity", rpc.getQueueCapacity());
		return Schedulers.newBoundedElastic(rpc.getThreads(), rpc.getQueueCapacity(), "zmqws-rpc");
	}

	@Bean
	@ConditionalOnMissingBean
	RpcDispatcher zmqwsRpcDispatcher(ZmqwsProperties properties, RpcMethodRegistry registry,
			ObjectProvider<JsonMapper> jsonMapper, Scheduler zmqwsRpcScheduler, AccessPolicy accessPolicy,
			ZmqEndpoints endpoints) {
		positive("zmqws.rpc.timeout", properties.getRpc().getTimeout().toMillis());
		Map<String, RequestChannel> remotes = new LinkedHashMap<>();
		for (ZmqEndpoint loop : endpoints.all()) {
			if (loop.endpoint().type() == EndpointType.RPC) {
				remotes.put(loop.endpoint().name(), (RequestChannel) loop);
			}
		}
		return new RpcDispatcher(registry, jsonMapper.getIfAvailable(JsonMapper::new), zmqwsRpcScheduler,
				properties.getRpc().getTimeout(), accessPolicy, remotes);
	}

	private static void positive(String property, long value) {
		if (value <= 0) {
			throw new InvalidConfigurationPropertyValueException(property, value, "Must be greater than zero");
		}
	}

	/** Serves the {@code @ZmqRpc} methods over ZeroMQ when {@code zmqws.rpc.bind} is set. */
	@Configuration(proxyBeanMethods = false)
	@Conditional(OnRpcBindCondition.class)
	static class RouterServerConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RpcRouterServer zmqwsRpcRouterServer(ZmqwsProperties properties, ZmqEndpoints endpoints,
				RpcDispatcher dispatcher, ObjectProvider<JsonMapper> jsonMapper) {
			for (String address : properties.getRpc().getBind()) {
				String problem = ZmqAddresses.problem(address, true);
				if (problem != null) {
					throw new InvalidConfigurationPropertyValueException("zmqws.rpc.bind", address,
							"Invalid address: " + problem);
				}
			}
			EndpointDefinition definition = new EndpointDefinition("rpc", EndpointType.RPC,
					properties.getRpc().getBind(), true, SocketOptions.defaults());
			JsonMapper mapper = jsonMapper.getIfAvailable(JsonMapper::new);
			return endpoints.startLoop((context) -> new RpcRouterServer(definition, context, dispatcher, mapper));
		}

	}

}
