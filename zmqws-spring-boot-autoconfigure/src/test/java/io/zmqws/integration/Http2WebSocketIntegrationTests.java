package io.zmqws.integration;

import java.net.URI;
import java.util.Map;

import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.Http2Clients;
import io.zmqws.testsupport.WsClient;
import io.zmqws.testsupport.ZmqBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSockets over HTTP/2 (RFC 8441, here on h2c) without Spring Security on the class
 * path, beside WebSockets over HTTP/1.1 on the same port.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "server.http2.enabled=true")
class Http2WebSocketIntegrationTests {

	private static final String ECHO = FreePorts.tcp();

	private static final ZmqBackend echo = ZmqBackend.echo(ECHO);

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void endpoints(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.echo.type", () -> "REQ");
		registry.add("zmqws.endpoints.echo.address", () -> ECHO);
	}

	@AfterAll
	static void stopBackend() {
		echo.close();
	}

	@Test
	void webSocketOverHttp2CarriesRequestsToTheBackend() {
		try (WsClient client = connect(Http2Clients.reactorH2c())) {
			assertThat(client.overHttp2()).isTrue();
			assertThat(client.awaitOp("welcome", null).path("http").asString()).isEqualTo("2");
			assertThat(client.requestWhenConnected(1, "echo", "over h2c").path("frames").get(0).asString())
				.isEqualTo("over h2c");
		}
	}

	@Test
	void webSocketOverHttp11RecordsItsVersion() {
		try (WsClient client = connect(HttpClient.create())) {
			assertThat(client.overHttp2()).isFalse();
			assertThat(client.awaitOp("welcome", null).path("http").asString()).isEqualTo("1.1");
			assertThat(client.requestWhenConnected(1, "echo", "over h1").path("frames").get(0).asString())
				.isEqualTo("over h1");
		}
	}

	private WsClient connect(HttpClient http) {
		return WsClient.connect(http, URI.create("ws://localhost:" + this.port + "/zmqws"), "zmqws.v1.json",
				Map.of("Origin", "http://localhost:" + this.port));
	}

}
