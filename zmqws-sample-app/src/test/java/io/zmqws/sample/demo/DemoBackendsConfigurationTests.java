package io.zmqws.sample.demo;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;

import io.zmqws.sample.DemoThreads;
import io.zmqws.sample.FreePorts;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whether and how {@link DemoBackendsConfiguration} starts the demo backends.
 */
class DemoBackendsConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(DemoBackendsConfiguration.class)
		.withPropertyValues("demo.echo-port=" + FreePorts.next(), "demo.ticker-port=" + FreePorts.next(),
				"demo.sink-port=" + FreePorts.next());

	@Test
	void backendsRunByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(DemoBackends.class);
			assertThat(context.getBean(DemoBackends.class).isRunning()).isTrue();
		});
	}

	@Test
	void backendsCanBeSwitchedOff() {
		Set<Thread> before = DemoThreads.alive();
		this.runner.withPropertyValues("demo.backends.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(DemoBackends.class);
			assertThat(DemoThreads.alive()).isEqualTo(before);
		});
	}

	@Test
	void startupFailsNamingTheAddressWhenAPortIsTakenAndStopsWhatHadStarted() throws Exception {
		int echoPort = FreePorts.next();
		Set<Thread> before = DemoThreads.alive();
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), echoPort));
			this.runner.withPropertyValues("demo.echo-port=" + echoPort).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("Cannot bind demo REP socket to tcp://127.0.0.1:" + echoPort);
			});
		}
		assertThat(DemoThreads.alive()).isEqualTo(before);
	}

}
