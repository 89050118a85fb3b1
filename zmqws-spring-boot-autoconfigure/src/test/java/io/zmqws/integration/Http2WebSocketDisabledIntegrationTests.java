package io.zmqws.integration;

import java.net.URI;
import java.util.Map;

import io.zmqws.testsupport.Http2Clients;
import io.zmqws.testsupport.TestCertificate;
import io.zmqws.testsupport.WsClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With {@code zmqws.http2.websocket=false} the server still speaks h2 but does not
 * advertise WebSockets over it, so clients open them over HTTP/1.1, as browsers do.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "server.http2.enabled=true", "zmqws.http2.websocket=false" })
class Http2WebSocketDisabledIntegrationTests {

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void tls(DynamicPropertyRegistry registry) {
		TestCertificate.serveWith(registry);
	}

	@Test
	void serverStillSpeaksH2WithoutAdvertisingExtendedConnect() {
		assertThat(Http2Clients.curl(url("/zmqws/client.js"), "--http2")).isEqualTo("2 200");
		assertThat(Http2Clients.serverSettings(url("/zmqws/client.js"))).contains("SETTINGS_MAX_HEADER_LIST_SIZE")
			.doesNotContain("ENABLE_CONNECT_PROTOCOL");
	}

	@Test
	void webSocketOverHttp2IsNotOffered() {
		assertThatThrownBy(() -> connect(Http2Clients.reactorH2()))
			.hasMessageContaining("Missing SETTINGS_ENABLE_CONNECT_PROTOCOL");
	}

	@Test
	void webSocketRunsOverItsOwnHttp11Connection() {
		try (WsClient client = connect(Http2Clients.reactorHttp11Tls())) {
			assertThat(client.overHttp2()).isFalse();
			assertThat(client.awaitOp("welcome", null).path("session").asString()).isNotBlank();
			assertThat(client.awaitOp("welcome", null).path("http").asString()).isEqualTo("1.1");
		}
	}

	private WsClient connect(reactor.netty.http.client.HttpClient http) {
		return WsClient.connect(http, URI.create("wss://localhost:" + this.port + "/zmqws"), "zmqws.v1.json",
				Map.of("Origin", "https://localhost:" + this.port));
	}

	private String url(String path) {
		return "https://localhost:" + this.port + path;
	}

}
