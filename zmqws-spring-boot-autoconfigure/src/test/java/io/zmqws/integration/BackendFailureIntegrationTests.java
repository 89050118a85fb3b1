package io.zmqws.integration;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.zmqws.socket.RequestChannel;
import io.zmqws.socket.ZmqEndpoints;
import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.WsClient;
import io.zmqws.testsupport.ZmqBackend;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backend that dies mid-request: the request fails with an error, no REQ lock-up
 * follows, and the next request works once the backend is back.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BackendFailureIntegrationTests {

	private static final String ADDRESS = FreePorts.tcp();

	private static final String PAIR_UP = FreePorts.tcp();

	private static final String PAIR_DOWN = FreePorts.tcp();

	@LocalServerPort
	int port;

	@Autowired
	ZmqEndpoints endpoints;

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.flaky.type", () -> "REQ");
		registry.add("zmqws.endpoints.flaky.address", () -> ADDRESS);
		registry.add("zmqws.endpoints.flaky.request-timeout", () -> "30s");
		registry.add("zmqws.endpoints.flaky.reconnect-interval", () -> "50ms");
		registry.add("zmqws.endpoints.flaky.reconnect-interval-max", () -> "200ms");
		registry.add("zmqws.endpoints.pair.type", () -> "REQ");
		registry.add("zmqws.endpoints.pair.address", () -> PAIR_UP + "," + PAIR_DOWN);
		registry.add("zmqws.endpoints.pair.request-timeout", () -> "20s");
	}

	@Test
	void backendDyingMidRequestFailsItAndTheNextRequestWorksWhenTheBackendIsBack() throws Exception {
		RequestChannel channel = (RequestChannel) this.endpoints.find("flaky");
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ZmqBackend dying = ZmqBackend.rep(ADDRESS, (frames) -> {
			holding.countDown();
			awaitLatch(release);
			return null;
		});
		try (WsClient client = WsClient.connect(this.port)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> channel.connectedPeers() == 1);
			client.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"flaky\"}");
			client.send("{\"op\":\"request\",\"sid\":1,\"id\":1,\"frames\":[\"never answered\"]}");
			assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
			release.countDown();
			JsonNode error = client.awaitOp("error", 1L);
			assertThat(error.path("code").asString()).isEqualTo("backend_unavailable");
			dying.close();

			client.send("{\"op\":\"request\",\"sid\":1,\"id\":2,\"frames\":[\"while down\"]}");
			assertThat(client.awaitOp("error", 2L).path("code").asString()).isEqualTo("backend_unavailable");

			try (ZmqBackend revived = ZmqBackend.echo(ADDRESS)) {
				await().atMost(Duration.ofSeconds(10)).until(() -> channel.connectedPeers() == 1);
				client.send("{\"op\":\"request\",\"sid\":1,\"id\":3,\"frames\":[\"back again\"]}");
				JsonNode reply = client.awaitOp("reply", 3L);
				assertThat(reply.path("frames").get(0).asString()).isEqualTo("back again");
				assertThat(revived.received()).noneMatch((frames) -> new String(frames.get(0)).equals("while down"));
			}
		}
		finally {
			release.countDown();
			dying.close();
		}
	}

	@Test
	void requestsGoOnlyToConnectedBackendsWhenOneOfTwoIsDown() {
		RequestChannel channel = (RequestChannel) this.endpoints.find("pair");
		try (ZmqBackend up = ZmqBackend.echo(PAIR_UP); WsClient client = WsClient.connect(this.port)) {
			await().atMost(Duration.ofSeconds(10)).until(() -> channel.connectedPeers() == 1);
			client.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"pair\"}");
			for (int i = 0; i < 20; i++) {
				client.send("{\"op\":\"request\",\"sid\":1,\"id\":" + i + ",\"frames\":[\"r" + i + "\"]}");
			}
			for (long i = 0; i < 20; i++) {
				assertThat(client.awaitOp("reply", i).path("frames").get(0).asString()).isEqualTo("r" + i);
			}
		}
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
