package io.zmqws.security;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import io.zmqws.testsupport.Command;
import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.Http2Clients;
import io.zmqws.testsupport.RequiredTools;
import io.zmqws.testsupport.SseClient;
import io.zmqws.testsupport.TestCertificate;
import io.zmqws.testsupport.WsClient;
import io.zmqws.testsupport.ZmqBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * WebSockets over HTTP/2 (RFC 8441) through the gateway behind Spring Security, with
 * real clients and a real JeroMQ backend; subclasses run them over TLS (h2) and over
 * cleartext (h2c), and add what real HTTP clients negotiate there.
 */
@SpringBootTest(classes = SecuredGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class Http2GatewayIntegrationTests {

	/** Boot turns this into HTTP/2's SETTINGS_MAX_HEADER_LIST_SIZE, which zmqws must keep. */
	static final int MAX_HEADER_SIZE = 12 * 1024;

	private static String echoAddress;

	private static ZmqBackend echo;

	@LocalServerPort
	int port;

	@BeforeAll
	static void startBackend() {
		echoAddress = FreePorts.tcp();
		echo = ZmqBackend.echo(echoAddress);
	}

	@AfterAll
	static void stopBackend() {
		echo.close();
	}

	@DynamicPropertySource
	static void gateway(DynamicPropertyRegistry registry) {
		registry.add("zmqws.endpoints.echo.type", () -> "REQ");
		registry.add("zmqws.endpoints.echo.address", () -> echoAddress);
		registry.add("zmqws.endpoints.echo.access", () -> "isAuthenticated()");
		registry.add("server.http2.enabled", () -> "true");
		registry.add("server.max-http-request-header-size", () -> MAX_HEADER_SIZE + "B");
	}

	/** {@code https} or {@code http}. */
	abstract String scheme();

	/** A client that opens WebSockets as extended CONNECTs on HTTP/2 connections. */
	abstract HttpClient http2Client();

	/** A client that opens WebSockets with an HTTP/1.1 upgrade. */
	abstract HttpClient http11Client();

	/** The curl option that makes it speak HTTP/2 to this server. */
	abstract String curlHttp2Option();

	String url(String path) {
		return scheme() + "://localhost:" + this.port + path;
	}

	URI webSocketUri(String path) {
		return URI.create(("https".equals(scheme()) ? "wss" : "ws") + "://localhost:" + this.port + path);
	}

	@Test
	void webSocketOverHttp2CarriesRequestsToTheBackend() {
		try (WsClient client = WsClient.connect(http2Client(), webSocketUri("/zmqws"), "zmqws.v1.json",
				alice())) {
			assertThat(client.overHttp2()).isTrue();
			assertThat(client.selectedProtocol()).isEqualTo("zmqws.v1.json");
			assertThat(client.awaitOp("welcome", null).path("http").asString()).isEqualTo("2");
			assertThat(client.requestWhenConnected(1, "echo", "over h2").path("frames").get(0).asString())
				.isEqualTo("over h2");
		}
	}

	@Test
	void webSocketOverHttp11StillWorksOnTheSamePort() {
		try (WsClient client = WsClient.connect(http11Client(), webSocketUri("/zmqws"), "zmqws.v1.json",
				alice())) {
			assertThat(client.overHttp2()).isFalse();
			assertThat(client.awaitOp("welcome", null).path("http").asString()).isEqualTo("1.1");
			assertThat(client.requestWhenConnected(1, "echo", "over h1").path("frames").get(0).asString())
				.isEqualTo("over h1");
		}
	}

	@Test
	void httpFallbackRunsOverHttp2() {
		java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
			.version(java.net.http.HttpClient.Version.HTTP_2)
			.sslContext(TestCertificate.trustingContext())
			.build();
		try (SseClient client = SseClient.open(http, URI.create(url("/zmqws")), alice())) {
			JsonNode welcome = client.awaitOp("welcome", null);
			assertThat(client.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
			assertThat(welcome.path("transport").asString()).isEqualTo("sse");
			assertThat(welcome.path("http").asString()).isEqualTo("2");
			assertThat(welcome.path("user").asString()).isEqualTo("alice");
			assertThat(client.post("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"echo\"}")).isEqualTo(204);
			client.awaitOp("opened", null);
			JsonNode reply = null;
			for (long id = 1; reply == null; id++) {
				assertThat(client.post("{\"op\":\"request\",\"sid\":1,\"id\":" + id
						+ ",\"frames\":[\"over h2 fallback\"]}")).isEqualTo(204);
				long expected = id;
				JsonNode answer = client.await((m) -> m.path("id").asLong(-1) == expected);
				if (answer.path("op").asString().equals("reply")) {
					reply = answer;
				}
			}
			assertThat(reply.path("frames").get(0).asString()).isEqualTo("over h2 fallback");
		}
	}

	@Test
	void curlReadsTheFallbackEventStreamOverHttp2() {
		RequiredTools.curl();
		// the stream never ends: curl stops after --max-time with what it has read
		Command.Result result = Command.run(java.time.Duration.ofSeconds(30), "curl", "--silent", "--insecure",
				"--no-buffer", "--max-time", "3", curlHttp2Option(), "--user", "alice:alice-pw", "--header",
				"Origin: " + origin(), url("/zmqws/sse"));
		assertThat(result.output()).startsWith("retry: 1000")
			.contains("\"op\":\"welcome\"")
			.contains("\"user\":\"alice\"")
			.contains("\"transport\":\"sse\"")
			.contains("\"http\":\"2\"");
	}

	@Test
	void webSocketOverHttp2WithoutCredentialsIsRefused() {
		assertThatThrownBy(() -> WsClient.connect(http2Client(), webSocketUri("/zmqws"), "zmqws.v1.json",
				Map.of("Origin", origin())))
			.hasMessageContaining("[401 Unauthorized]");
	}

	@Test
	void webSocketOverHttp2FromAForeignOriginIsRefused() {
		Map<String, String> foreign = new HashMap<>(alice());
		foreign.put("Origin", "https://evil.example");
		assertThatThrownBy(() -> WsClient.connect(http2Client(), webSocketUri("/zmqws"), "zmqws.v1.json", foreign))
			.hasMessageContaining("[403 Forbidden]");
	}

	@Test
	void connectElsewhereIsStillRejectedByTheFirewall() {
		assertThatThrownBy(
				() -> WsClient.connect(http2Client(), webSocketUri("/elsewhere"), "zmqws.v1.json", alice()))
			.hasMessageContaining("[400 Bad Request]");
	}

	@Test
	void serverAdvertisesExtendedConnectAndKeepsBootsHeaderListSize() {
		String settings = Http2Clients.serverSettings(url("/zmqws/client.js"));
		assertThat(settings).contains("SETTINGS_ENABLE_CONNECT_PROTOCOL(0x08):1")
			.contains("SETTINGS_MAX_HEADER_LIST_SIZE(0x06):" + MAX_HEADER_SIZE);
	}


	/**
	 * Alice's credentials and, as a browser sends it, the page's origin. (Left to itself,
	 * Reactor Netty's RFC 8441 client sends {@code http://} origins for {@code wss://}
	 * URIs, which the gateway rightly refuses.)
	 */
	Map<String, String> alice() {
		Map<String, String> headers = new HashMap<>(basic("alice", "alice-pw"));
		headers.put("Origin", origin());
		return headers;
	}

	String origin() {
		return scheme() + "://localhost:" + this.port;
	}

	static Map<String, String> basic(String user, String password) {
		return Map.of("Authorization", "Basic "
				+ Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
	}

}
