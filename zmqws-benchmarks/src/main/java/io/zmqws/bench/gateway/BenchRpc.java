package io.zmqws.bench.gateway;

import io.zmqws.rpc.ZmqRpc;
import io.zmqws.rpc.ZmqRpcMethod;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/**
 * The {@code @ZmqRpc} service of scenario (c): {@code bench.echo} is written the way a
 * Spring user writes a method (plain return value, so it runs on the zmqws-rpc scheduler);
 * {@code bench.echoNonBlocking} is the same plain method declared non-blocking, so it runs
 * on the caller's thread (the connection's event loop); {@code bench.echoMono} returns a
 * {@code Mono} and runs on the caller's thread.
 */
@Component
@ZmqRpc("bench")
public class BenchRpc {

	String echo(String payload) {
		return payload;
	}

	@ZmqRpcMethod(blocking = false)
	String echoNonBlocking(String payload) {
		return payload;
	}

	Mono<String> echoMono(String payload) {
		return Mono.just(payload);
	}

}
