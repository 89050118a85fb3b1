package io.zmqws.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.zmqws.integration.GatewayTestApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser client served over real HTTP next to the WebSocket endpoint, here at the
 * configured path {@code /gateway}.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "zmqws.websocket.path=/gateway")
class ZmqwsClientScriptHandlerTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	@LocalServerPort
	int port;

	@Test
	void clientScriptIsServedAsJavaScriptWithStrongEtagAndHourlyRevalidation() throws Exception {
		HttpResponse<byte[]> response = send("GET", "/gateway/client.js", null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("text/javascript;charset=UTF-8");
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("max-age=3600, public");
		assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		String etag = response.headers().firstValue("ETag").orElseThrow();
		assertThat(etag).matches("\"0\\.1\\.0-[0-9a-f]{16}\"");
		assertThat(response.body()).isEqualTo(classpath("client.js"));
		assertThat(new String(response.body(), StandardCharsets.UTF_8))
			.startsWith("/*!\n * zmqws browser client, version 0.1.0")
			.contains("export function connect(");
	}

	@Test
	void matchingIfNoneMatchIsAnsweredWith304AndNoBody() throws Exception {
		String etag = send("GET", "/gateway/client.js", null).headers().firstValue("ETag").orElseThrow();
		HttpResponse<byte[]> response = send("GET", "/gateway/client.js", etag);
		assertThat(response.statusCode()).isEqualTo(304);
		assertThat(response.body()).isEmpty();
		assertThat(response.headers().firstValue("ETag")).hasValue(etag);
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("max-age=3600, public");
		assertThat(send("GET", "/gateway/client.js", "W/" + etag).statusCode()).isEqualTo(304);
		assertThat(send("GET", "/gateway/client.js", "\"other\", " + etag).statusCode()).isEqualTo(304);
	}

	@Test
	void staleIfNoneMatchGetsTheWholeScript() throws Exception {
		HttpResponse<byte[]> response = send("GET", "/gateway/client.js", "\"0.0.9-0000000000000000\"");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo(classpath("client.js"));
	}

	@Test
	void urlVersionedWithTheEtagValueIsCacheableForAYearOtherVersionsAreNot() throws Exception {
		String etag = send("GET", "/gateway/client.js", null).headers().firstValue("ETag").orElseThrow();
		String tag = etag.substring(1, etag.length() - 1);
		HttpResponse<byte[]> versioned = send("GET", "/gateway/client.js?v=" + tag, null);
		assertThat(versioned.statusCode()).isEqualTo(200);
		assertThat(versioned.headers().firstValue("Cache-Control")).hasValue("max-age=31536000, public, immutable");
		HttpResponse<byte[]> otherVersion = send("GET", "/gateway/client.js?v=0.0.1", null);
		assertThat(otherVersion.statusCode()).isEqualTo(200);
		assertThat(otherVersion.headers().firstValue("Cache-Control")).hasValue("max-age=3600, public");
		assertThat(new ZmqwsClientScriptHandler().scriptTag()).isEqualTo(tag);
	}

	@Test
	void typeDefinitionsAreServedWithTheirOwnEtag() throws Exception {
		HttpResponse<byte[]> script = send("GET", "/gateway/client.js", null);
		HttpResponse<byte[]> types = send("GET", "/gateway/client.d.ts", null);
		assertThat(types.statusCode()).isEqualTo(200);
		assertThat(types.headers().firstValue("Content-Type")).hasValue("application/typescript;charset=UTF-8");
		assertThat(types.body()).isEqualTo(classpath("client.d.ts"));
		String etag = types.headers().firstValue("ETag").orElseThrow();
		assertThat(etag).isNotEqualTo(script.headers().firstValue("ETag").orElseThrow());
		assertThat(send("GET", "/gateway/client.d.ts", etag).statusCode()).isEqualTo(304);
	}

	@Test
	void headAnswersWithTheHeadersAndNoBody() throws Exception {
		HttpResponse<byte[]> response = send("HEAD", "/gateway/client.js", null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("text/javascript;charset=UTF-8");
		assertThat(response.headers().firstValue("ETag")).isPresent();
		assertThat(response.body()).isEmpty();
	}

	@Test
	void otherMethodsAreRefusedWith405() throws Exception {
		HttpResponse<byte[]> response = send("POST", "/gateway/client.js", null);
		assertThat(response.statusCode()).isEqualTo(405);
		assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
	}

	@Test
	void otherFilesUnderThePathAndTheDefaultPathAreNotServed() throws Exception {
		assertThat(send("GET", "/gateway/other.js", null).statusCode()).isEqualTo(404);
		assertThat(send("GET", "/zmqws/client.js", null).statusCode()).isEqualTo(404);
	}

	@Test
	void versionComesFromTheScriptHeader() {
		assertThat(new ZmqwsClientScriptHandler().version()).isEqualTo("0.1.0");
	}

	private HttpResponse<byte[]> send(String method, String path, String ifNoneMatch) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (ifNoneMatch != null) {
			request.header("If-None-Match", ifNoneMatch);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
	}

	private static byte[] classpath(String name) throws IOException {
		try (InputStream in = ZmqwsClientScriptHandlerTests.class.getResourceAsStream("/io/zmqws/client/" + name)) {
			return in.readAllBytes();
		}
	}

}
