package io.zmqws.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.netty.bootstrap.Bootstrap;
import io.zmqws.protocol.JsonProtocolCodec;
import io.zmqws.protocol.MessagePackProtocolCodec;
import io.zmqws.protocol.ProtocolCodec;
import io.zmqws.protocol.ProtocolCodecs;
import io.zmqws.session.OverflowPolicy;
import io.zmqws.session.SessionSettings;
import io.zmqws.socket.DealerRequestChannel;
import io.zmqws.socket.EndpointType;
import io.zmqws.socket.PushChannel;
import io.zmqws.socket.RequestChannel;
import io.zmqws.socket.SubscriptionHub;
import io.zmqws.socket.ZmqEndpoint;
import io.zmqws.socket.ZmqEndpoints;
import io.zmqws.socket.ZmqSocketException;
import io.zmqws.socket.ZmtpRequestChannel;
import io.zmqws.socket.ZmtpTransport;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ZmqwsAutoConfiguration}.
 */
class ZmqwsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ZmqwsAutoConfiguration.class));

	@Test
	void createsEndpointsCodecAndSessionSettingsWithDefaults() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ZmqEndpoints.class)
				.hasSingleBean(JsonProtocolCodec.class)
				.hasSingleBean(MessagePackProtocolCodec.class)
				.hasSingleBean(SessionSettings.class);
			ProtocolCodecs codecs = context.getBean(ProtocolCodecs.class);
			assertThat(codecs.defaultCodec()).isSameAs(context.getBean(JsonProtocolCodec.class));
			assertThat(codecs.subprotocols()).containsExactly("zmqws.v1.json", "zmqws.v1.msgpack");
			assertThat(context.getBean(ZmqEndpoints.class).all()).isEmpty();
			SessionSettings settings = context.getBean(SessionSettings.class);
			assertThat(settings.maxSockets()).isEqualTo(64);
			assertThat(settings.maxSubscriptions()).isEqualTo(256);
			assertThat(settings.maxPendingRequests()).isEqualTo(1024);
			assertThat(settings.outboundCapacity()).isEqualTo(1024);
			assertThat(settings.overflowPolicy()).isEqualTo(OverflowPolicy.DROP_OLDEST);
			assertThat(settings.maxMessageSize()).isEqualTo(2 * 1024 * 1024);
		});
	}

	@Test
	void bindsEndpointsAndTheirOptions() {
		this.contextRunner
			.withPropertyValues("zmqws.endpoints.echo.type=REQ",
					"zmqws.endpoints.echo.address=tcp://127.0.0.1:5555,tcp://127.0.0.1:5556",
					"zmqws.endpoints.echo.request-timeout=750ms", "zmqws.endpoints.echo.max-message-size=64KB",
					"zmqws.endpoints.echo.send-high-water-mark=42", "zmqws.endpoints.echo.immediate=false",
					"zmqws.endpoints.quotes.type=SUB", "zmqws.endpoints.quotes.address=tcp://127.0.0.1:5557",
					"zmqws.endpoints.log.type=PUSH", "zmqws.endpoints.log.address=tcp://127.0.0.1:*",
					"zmqws.endpoints.log.bind=true", "zmqws.session.max-sockets=5",
					"zmqws.session.overflow-policy=close")
			.run((context) -> {
				ZmqEndpoints endpoints = context.getBean(ZmqEndpoints.class);
				assertThat(endpoints.all()).extracting((loop) -> loop.endpoint().name())
					.containsExactly("echo", "quotes", "log");
				ZmqEndpoint echo = endpoints.find("echo");
				assertThat(echo).isInstanceOf(RequestChannel.class);
				assertThat(echo.endpoint().type()).isEqualTo(EndpointType.REQ);
				assertThat(echo.endpoint().addresses()).containsExactly("tcp://127.0.0.1:5555", "tcp://127.0.0.1:5556");
				assertThat(echo.endpoint().bind()).isFalse();
				assertThat(echo.endpoint().options().requestTimeout()).isEqualTo(Duration.ofMillis(750));
				assertThat(echo.endpoint().options().maxMessageSize()).isEqualTo(64 * 1024);
				assertThat(echo.endpoint().options().sendHighWaterMark()).isEqualTo(42);
				assertThat(echo.endpoint().options().immediate()).isFalse();
				assertThat(endpoints.find("quotes")).isInstanceOf(SubscriptionHub.class);
				assertThat(endpoints.find("log")).isInstanceOf(PushChannel.class);
				assertThat(endpoints.find("log").endpoint().bind()).isTrue();
				SessionSettings settings = context.getBean(SessionSettings.class);
				assertThat(settings.maxSockets()).isEqualTo(5);
				assertThat(settings.overflowPolicy()).isEqualTo(OverflowPolicy.CLOSE);
			});
	}

	@Test
	void connectingRequestEndpointsUseTheZmtpEngineAndBindingOnesJeroMq() {
		this.contextRunner
			.withPropertyValues("zmqws.endpoints.echo.type=REQ", "zmqws.endpoints.echo.address=tcp://127.0.0.1:5555",
					"zmqws.endpoints.remote.type=RPC", "zmqws.endpoints.remote.address=tcp://localhost:5556",
					"zmqws.endpoints.bound.type=REQ", "zmqws.endpoints.bound.address=tcp://127.0.0.1:*",
					"zmqws.endpoints.bound.bind=true")
			.run((context) -> {
				assertThat(context).hasSingleBean(ZmtpTransport.class);
				ZmqEndpoints endpoints = context.getBean(ZmqEndpoints.class);
				assertThat(endpoints.find("echo")).isInstanceOf(ZmtpRequestChannel.class);
				assertThat(endpoints.find("remote")).isInstanceOf(ZmtpRequestChannel.class);
				assertThat(endpoints.find("bound")).isInstanceOf(DealerRequestChannel.class);
			});
	}

	@Test
	void endpointsCloseWhenTheContextStopsAfterTheWebServerAndBeforeTheEventLoops() {
		this.contextRunner
			.withPropertyValues("zmqws.endpoints.echo.type=REQ", "zmqws.endpoints.echo.address=tcp://127.0.0.1:5555")
			.run((context) -> {
				ZmqEndpointsLifecycle lifecycle = context.getBean(ZmqEndpointsLifecycle.class);
				assertThat(lifecycle.getPhase()).as("after the web server, before ReactorResourceFactory (0)")
					.isGreaterThan(0)
					.isLessThan(SmartLifecycle.DEFAULT_PHASE - 2048);
				RequestChannel echo = (RequestChannel) context.getBean(ZmqEndpoints.class).find("echo");
				context.stop();
				assertThat(lifecycle.isRunning()).isFalse();
				StepVerifier.create(echo.request(List.of(new byte[] { 1 }), null))
					.expectErrorSatisfies((ex) -> assertThat(((ZmqSocketException) ex).getReason())
						.isEqualTo(ZmqSocketException.Reason.OVERLOADED))
					.verify(Duration.ofSeconds(5));
			});
	}

	@Test
	void requestEngineJeromqGivesEveryRequestEndpointADealerSocket() {
		this.contextRunner
			.withPropertyValues("zmqws.zmq.request-engine=jeromq", "zmqws.endpoints.echo.type=REQ",
					"zmqws.endpoints.echo.address=tcp://127.0.0.1:5555")
			.run((context) -> assertThat(context.getBean(ZmqEndpoints.class).find("echo"))
				.isInstanceOf(DealerRequestChannel.class));
	}

	@Test
	void withoutNettyRequestEndpointsUseJeroMq() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Bootstrap.class))
			.withPropertyValues("zmqws.endpoints.echo.type=REQ", "zmqws.endpoints.echo.address=tcp://127.0.0.1:5555")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ZmtpTransport.class);
				assertThat(context.getBean(ZmqEndpoints.class).find("echo")).isInstanceOf(DealerRequestChannel.class);
			});
	}

	@Test
	void wildcardPortBindsAreNeverDuplicates() {
		this.contextRunner
			.withPropertyValues("zmqws.endpoints.one.type=PUSH", "zmqws.endpoints.one.address=tcp://127.0.0.1:*",
					"zmqws.endpoints.one.bind=true", "zmqws.endpoints.two.type=PUSH",
					"zmqws.endpoints.two.address=tcp://127.0.0.1:*", "zmqws.endpoints.two.bind=true")
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(ZmqEndpoints.class)
				.extracting((endpoints) -> endpoints.all().size())
				.isEqualTo(2));
	}

	@Test
	void backsOffWhenTheUserDefinesTheBeans() {
		this.contextRunner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).hasSingleBean(ZmqEndpoints.class)
				.hasSingleBean(JsonProtocolCodec.class)
				.hasSingleBean(SessionSettings.class);
			assertThat(context.getBean(ZmqEndpoints.class)).isSameAs(context.getBean("userEndpoints"));
			assertThat(context.getBean(ProtocolCodecs.class).defaultCodec()).isSameAs(context.getBean("userCodec"));
			assertThat(context.getBean(SessionSettings.class).maxSockets()).isEqualTo(1);
		});
	}

	@Test
	void backsOffWithoutJeroMq() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ZMQ.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ZmqEndpoints.class)
				.doesNotHaveBean(ProtocolCodec.class));
	}

	@Test
	void unknownTypeFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("zmqws.endpoints.echo.type=REQUEST", "zmqws.endpoints.echo.address=tcp://127.0.0.1:5555")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("REQUEST"));
		this.contextRunner
			.withPropertyValues("zmqws.endpoints.echo.type=REQUEST", "zmqws.endpoints.echo.address=tcp://127.0.0.1:5555")
			.run((context) -> assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Failed to bind properties under 'zmqws.endpoints.echo.type'"));
	}

	@Test
	void missingTypeFailsNamingTheProperty() {
		assertInvalid(List.of("zmqws.endpoints.echo.address=tcp://127.0.0.1:5555"), "zmqws.endpoints.echo.type");
	}

	@Test
	void missingAddressFailsNamingTheProperty() {
		assertInvalid(List.of("zmqws.endpoints.echo.type=REQ"), "zmqws.endpoints.echo.address");
	}

	@Test
	void malformedAddressesFailNamingTheProperty() {
		for (String address : List.of("127.0.0.1:5555", "tcp://127.0.0.1", "tcp://127.0.0.1:99999", "http://x:1",
				"tcp://:1")) {
			assertInvalid(List.of("zmqws.endpoints.echo.type=REQ", "zmqws.endpoints.echo.address=" + address),
					"zmqws.endpoints.echo.address");
		}
	}

	@Test
	void wildcardAddressOnlyWhenBinding() {
		assertInvalid(List.of("zmqws.endpoints.echo.type=REQ", "zmqws.endpoints.echo.address=tcp://*:5555"),
				"zmqws.endpoints.echo.address");
	}

	@Test
	void duplicateBindsFailNamingBothProperties() {
		this.contextRunner
			.withPropertyValues("zmqws.endpoints.one.type=PUSH", "zmqws.endpoints.one.address=tcp://127.0.0.1:47011",
					"zmqws.endpoints.one.bind=true", "zmqws.endpoints.two.type=PUSH",
					"zmqws.endpoints.two.address=tcp://127.0.0.1:47011", "zmqws.endpoints.two.bind=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				InvalidConfigurationPropertyValueException failure = findInvalid(context.getStartupFailure());
				assertThat(failure.getName()).isEqualTo("zmqws.endpoints.two.address");
				assertThat(failure.getReason()).contains("zmqws.endpoints.one.address");
			});
	}

	@Test
	void badEndpointNameFails() {
		assertInvalid(List.of("zmqws.endpoints[bad name].type=REQ",
				"zmqws.endpoints[bad name].address=tcp://127.0.0.1:5555"), "zmqws.endpoints.bad name");
	}

	@Test
	void nonPositiveLimitsFail() {
		assertInvalid(List.of("zmqws.endpoints.echo.type=REQ", "zmqws.endpoints.echo.address=tcp://127.0.0.1:5555",
				"zmqws.endpoints.echo.request-timeout=0s"), "zmqws.endpoints.echo.request-timeout");
	}

	@Test
	void bindFailureAtStartUpNamesTheEndpoint() {
		try (ZMQ.Context context = ZMQ.context(1); ZMQ.Socket holder = context.socket(org.zeromq.SocketType.PULL)) {
			int port = holder.bindToRandomPort("tcp://127.0.0.1");
			this.contextRunner
				.withPropertyValues("zmqws.endpoints.taken.type=PUSH",
						"zmqws.endpoints.taken.address=tcp://127.0.0.1:" + port, "zmqws.endpoints.taken.bind=true")
				.run((runner) -> assertThat(runner).hasFailed()
					.getFailure()
					.hasStackTraceContaining("Cannot start ZeroMQ endpoint 'taken'"));
			holder.setLinger(0);
		}
	}

	private void assertInvalid(List<String> properties, String property) {
		this.contextRunner.withPropertyValues(properties.toArray(String[]::new)).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(findInvalid(context.getStartupFailure()).getName()).isEqualTo(property);
		});
	}

	private static InvalidConfigurationPropertyValueException findInvalid(Throwable failure) {
		Throwable candidate = failure;
		while (candidate != null) {
			if (candidate instanceof InvalidConfigurationPropertyValueException invalid) {
				return invalid;
			}
			candidate = candidate.getCause();
		}
		throw new AssertionError("No InvalidConfigurationPropertyValueException in " + failure, failure);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean(destroyMethod = "close")
		ZmqEndpoints userEndpoints() {
			ZmqEndpoints endpoints = new ZmqEndpoints(List.of(), 1, Duration.ofSeconds(5), Duration.ofSeconds(5));
			endpoints.start();
			return endpoints;
		}

		@Bean
		JsonProtocolCodec userCodec() {
			return new JsonProtocolCodec();
		}

		@Bean
		SessionSettings userSettings() {
			return new SessionSettings(1, 1, 1, 1, OverflowPolicy.CLOSE, 1024, 1, 10, 1, java.time.Duration.ofSeconds(1));
		}

	}

}
