package io.zmqws.sample;

import java.util.Set;

import io.zmqws.sample.demo.DemoBackends;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo backends live and die with the application context.
 */
class DemoBackendsShutdownTests {

	@Test
	void demoBackendsStopWithTheContextAndLeaveNoDemoThreadBehind() {
		int echoPort = FreePorts.next();
		int tickerPort = FreePorts.next();
		int sinkPort = FreePorts.next();
		// Other tests' cached contexts may run demo threads of their own: leave those aside.
		Set<Thread> before = DemoThreads.alive();
		ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class).run(
				"--server.port=0", "--demo.echo-port=" + echoPort, "--demo.ticker-port=" + tickerPort,
				"--demo.sink-port=" + sinkPort);
		DemoBackends backends;
		Set<Thread> started;
		try {
			backends = context.getBean(DemoBackends.class);
			assertThat(backends.isRunning()).isTrue();
			started = DemoThreads.alive();
			started.removeAll(before);
			assertThat(started).extracting(Thread::getName)
				.containsExactlyInAnyOrder("demo-echo", "demo-ticker", "demo-collector");
			assertThat(FreePorts.isListening(echoPort)).isTrue();
			assertThat(FreePorts.isListening(tickerPort)).isTrue();
			assertThat(FreePorts.isListening(sinkPort)).isTrue();
		}
		finally {
			context.close();
		}
		assertThat(backends.isRunning()).isFalse();
		assertThat(started).noneMatch(Thread::isAlive);
		assertThat(DemoThreads.alive()).isEqualTo(before);
		// The sockets are closed and their context terminated: nothing listens any more.
		assertThat(FreePorts.isListening(echoPort)).isFalse();
		assertThat(FreePorts.isListening(tickerPort)).isFalse();
		assertThat(FreePorts.isListening(sinkPort)).isFalse();
	}

}
