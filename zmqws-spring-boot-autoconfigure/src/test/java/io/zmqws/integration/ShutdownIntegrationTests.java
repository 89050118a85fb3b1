package io.zmqws.integration;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.WsClient;
import io.zmqws.testsupport.ZmqBackend;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutdown closes connections with 1001, fails what is in flight, closes every socket on
 * its own thread and leaves no gateway or ZeroMQ thread behind.
 */
class ShutdownIntegrationTests {

	@Test
	void shutdownClosesConnectionsWith1001AndLeavesNoThreadBehind() {
		String echoAddress = FreePorts.tcp();
		String tickerAddress = FreePorts.tcp();
		try (ZmqBackend echo = ZmqBackend.echo(echoAddress)) {
			Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
			ConfigurableApplicationContext context = new SpringApplicationBuilder(GatewayTestApplication.class)
				.web(WebApplicationType.REACTIVE)
				.properties("server.port=0", "zmqws.endpoints.echo.type=REQ", "zmqws.endpoints.echo.address=" + echoAddress,
						"zmqws.endpoints.ticker.type=SUB", "zmqws.endpoints.ticker.address=" + tickerAddress,
						"zmqws.endpoints.sink.type=PUSH", "zmqws.endpoints.sink.address=tcp://127.0.0.1:*",
						"zmqws.endpoints.sink.bind=true", "zmqws.endpoints.bound.type=REQ",
						"zmqws.endpoints.bound.address=tcp://127.0.0.1:*", "zmqws.endpoints.bound.bind=true")
				.run();
			// the connecting REQ endpoint lives on the server's event loops (ZMTP engine)
			assertThat(gatewayThreads(before)).extracting(Thread::getName)
				.filteredOn((name) -> name.startsWith("zmqws-"))
				.containsExactlyInAnyOrder("zmqws-req-bound", "zmqws-sub-ticker", "zmqws-push-sink");
			assertThat(gatewayThreads(before)).anyMatch((thread) -> thread.getName().startsWith("reaper-"));
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			WsClient client = WsClient.connect(port);
			client.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"ticker\"}");
			client.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"t\"}");
			client.awaitOp("subscribed", null);

			context.close();

			assertThat(client.awaitClose().code()).isEqualTo(1001);
			client.close();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(gatewayThreads(before)).isEmpty());
		}
	}

	/** Live threads started by the gateway or its ZeroMQ context since {@code before}. */
	private static List<Thread> gatewayThreads(Set<Thread> before) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.filter((thread) -> !before.contains(thread))
			.filter((thread) -> thread.getName().startsWith("zmqws-") || thread.getName().startsWith("reaper-")
					|| thread.getName().startsWith("iothread-"))
			.toList();
	}

}
