package io.zmqws.integration;

import java.math.BigDecimal;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.zmqws.rpc.RpcCallContext;
import io.zmqws.rpc.ZmqRpc;
import io.zmqws.rpc.ZmqRpcException;
import io.zmqws.rpc.ZmqRpcIgnore;
import io.zmqws.rpc.ZmqRpcMethod;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code @ZmqRpc} beans that RPC tests call.
 */
@Configuration(proxyBeanMethods = false)
class RpcTestServices {

	@Bean
	Calculator calculator() {
		return new Calculator();
	}

	@Bean
	Streams streams() {
		return new Streams();
	}

	enum Side {

		BUY, SELL

	}

	record Order(String symbol, BigDecimal quantity, Side side) {
	}

	/** Plain, blocking and asynchronous methods. */
	@ZmqRpc("calc")
	static class Calculator {

		static final CountDownLatch release = new CountDownLatch(1);

		static final AtomicInteger blockedCalls = new AtomicInteger();

		int add(int a, int b) {
			return a + b;
		}

		double divide(double a, double b) {
			if (b == 0) {
				throw new ZmqRpcException("division_by_zero", "Cannot divide by zero");
			}
			return a / b;
		}

		@ZmqRpcMethod(name = "sum")
		long total(List<Integer> values) {
			return values.stream().mapToLong(Integer::longValue).sum();
		}

		Order echoOrder(Order order) {
			return order;
		}

		String round(double value, Optional<Integer> digits) {
			return new BigDecimal(value).setScale(digits.orElse(2), java.math.RoundingMode.HALF_UP).toPlainString();
		}

		Side opposite(Side side) {
			return (side == Side.BUY) ? Side.SELL : Side.BUY;
		}

		Mono<String> greet(String name) {
			return Mono.just("Hello, " + name);
		}

		CompletableFuture<Integer> square(int x) {
			return CompletableFuture.supplyAsync(() -> x * x);
		}

		void touch() {
		}

		String threadOfBlocking() {
			return Thread.currentThread().getName();
		}

		@ZmqRpcMethod(blocking = false)
		String threadOfNonBlocking() {
			return Thread.currentThread().getName();
		}

		@ZmqRpcMethod(blocking = false)
		CompletableFuture<String> threadOfNonBlockingFuture() {
			return CompletableFuture.completedFuture(Thread.currentThread().getName());
		}

		String whoAmI(Principal principal, RpcCallContext context) {
			return context.transport() + ":" + ((principal != null) ? principal.getName() : "anonymous");
		}

		String boom() {
			throw new IllegalStateException("secret detail in com.example.internal.Thing");
		}

		/** Blocks its thread until the test releases it. */
		String block() throws InterruptedException {
			blockedCalls.incrementAndGet();
			return release.await(30, TimeUnit.SECONDS) ? "released" : "gave up";
		}

		@ZmqRpcMethod(timeout = "200ms")
		String slow() throws InterruptedException {
			new CountDownLatch(1).await(5, TimeUnit.SECONDS);
			return "too late";
		}

		@ZmqRpcIgnore
		String hidden() {
			return "hidden";
		}

		private String secret() {
			return "secret";
		}

		@Override
		public String toString() {
			return "Calculator";
		}

	}

	/** Streaming methods. */
	@ZmqRpc("streams")
	static class Streams {

		static final CountDownLatch cancelled = new CountDownLatch(1);

		Flux<Integer> count(int to) {
			return Flux.range(1, to);
		}

		Flux<Long> forever() {
			return Flux.interval(Duration.ofMillis(10)).doOnCancel(cancelled::countDown);
		}

		Flux<String> failing() {
			return Flux.concat(Flux.just("first"),
					Flux.error(new ZmqRpcException("stream_broke", "The stream broke")));
		}

	}

}
