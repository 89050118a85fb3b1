package io.zmqws.autoconfigure;

import io.zmqws.rpc.RpcDispatcher;
import io.zmqws.rpc.RpcMethodRegistry;
import io.zmqws.rpc.RpcRouterServer;
import io.zmqws.rpc.ZmqRpc;
import io.zmqws.rpc.ZmqRpcMethod;
import io.zmqws.security.AccessPolicy;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ZmqwsRpcAutoConfiguration} and the discovery of {@code @ZmqRpc} beans.
 */
class ZmqwsRpcAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ZmqwsAutoConfiguration.class, ZmqwsRpcAutoConfiguration.class));

	@Test
	void discoversExposedMethodsOfZmqRpcBeans() {
		this.contextRunner.withUserConfiguration(GoodService.class).run((context) -> {
			assertThat(context).hasSingleBean(RpcDispatcher.class)
				.hasSingleBean(RpcMethodRegistry.class)
				.doesNotHaveBean(RpcRouterServer.class);
			assertThat(context.getBean(RpcMethodRegistry.class).names()).containsExactlyInAnyOrder("good.hello",
					"good.renamed", "good.viaLazy");
			assertThat(context.getBean("zmqwsRpcScheduler", Scheduler.class)).isNotNull();
		});
	}

	@Test
	void lazyBeansAreCreatedOnlyWhenCalled() {
		this.contextRunner.withUserConfiguration(LazyService.class).run((context) -> {
			assertThat(context.getBean(RpcMethodRegistry.class).names()).contains("lazy.ping");
			assertThat(LazyService.Target.created).isFalse();
		});
	}

	@Test
	void ambiguousMethodNamesFailStartUp() {
		this.contextRunner.withUserConfiguration(AmbiguousService.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Ambiguous @ZmqRpc mapping 'twice.add'")
				.hasStackTraceContaining("@ZmqRpcMethod(name = ...)"));
	}

	@Test
	void duplicateServiceNamesFailStartUp() {
		this.contextRunner.withUserConfiguration(DuplicateServices.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Duplicate @ZmqRpc name 'same'"));
	}

	@Test
	void invalidServiceNameFailsStartUp() {
		this.contextRunner.withUserConfiguration(BadName.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Invalid @ZmqRpc name 'bad name'"));
	}

	@Test
	void invalidMethodTimeoutFailsStartUp() {
		this.contextRunner.withUserConfiguration(BadTimeout.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Invalid timeout 'soon'"));
	}

	@Test
	void routerServerStartsWhenBindIsSet() {
		this.contextRunner.withUserConfiguration(GoodService.class)
			.withPropertyValues("zmqws.rpc.bind=tcp://127.0.0.1:*")
			.run((context) -> assertThat(context).hasSingleBean(RpcRouterServer.class));
	}

	@Test
	void malformedBindAddressFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("zmqws.rpc.bind=localhost:6000")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("zmqws.rpc.bind"));
	}

	@Test
	void usesTheApplicationsAccessPolicy() {
		this.contextRunner.withBean("denyAll", AccessPolicy.class, () -> (request, principal) -> Mono.just(false))
			.run((context) -> assertThat(context).getBean(AccessPolicy.class).isSameAs(context.getBean("denyAll")));
	}

	@Configuration(proxyBeanMethods = false)
	static class GoodService {

		@Bean
		Good good() {
			return new Good();
		}

		@ZmqRpc("good")
		static class Good implements AutoCloseable {

			public String hello(String name) {
				return "hello " + name;
			}

			@ZmqRpcMethod(name = "renamed")
			String original() {
				return "renamed";
			}

			String viaLazy() {
				return "lazy";
			}

			@Override
			public void close() {
			}

			@Override
			public String toString() {
				return "Good";
			}

			private String hidden() {
				return "hidden";
			}

			static String utility() {
				return "static";
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LazyService {

		@Bean
		@Lazy
		Target target() {
			return new Target();
		}

		@ZmqRpc("lazy")
		static class Target {

			static volatile boolean created;

			Target() {
				created = true;
			}

			String ping() {
				return "pong";
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AmbiguousService {

		@Bean
		Twice twice() {
			return new Twice();
		}

		@ZmqRpc("twice")
		static class Twice {

			int add(int a, int b) {
				return a + b;
			}

			double add(double a, double b) {
				return a + b;
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateServices {

		@Bean
		One one() {
			return new One();
		}

		@Bean
		Two two() {
			return new Two();
		}

		@ZmqRpc("same")
		static class One {

			String a() {
				return "a";
			}

		}

		@ZmqRpc("same")
		static class Two {

			String b() {
				return "b";
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadName {

		@Bean
		Bad bad() {
			return new Bad();
		}

		@ZmqRpc("bad name")
		static class Bad {

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadTimeout {

		@Bean
		Slow slow() {
			return new Slow();
		}

		@ZmqRpc("slow")
		static class Slow {

			@ZmqRpcMethod(timeout = "soon")
			String later() {
				return "later";
			}

		}

	}

}
