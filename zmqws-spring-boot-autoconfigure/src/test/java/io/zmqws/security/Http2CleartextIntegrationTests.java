package io.zmqws.security;

import java.net.URI;
import java.net.http.HttpClient.Version;
import java.net.http.HttpResponse;

import io.zmqws.testsupport.Http2Clients;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 without TLS (h2c) beside HTTP/1.1 on the same port, from Spring Boot's
 * {@code server.http2.enabled} alone: clients start h2c with prior knowledge or with
 * {@code Upgrade: h2c}; and WebSockets over it.
 */
class Http2CleartextIntegrationTests extends Http2GatewayIntegrationTests {

	@Override
	String scheme() {
		return "http";
	}

	@Override
	HttpClient http2Client() {
		return Http2Clients.reactorH2c();
	}

	@Override
	HttpClient http11Client() {
		return HttpClient.create();
	}

	@Override
	String curlHttp2Option() {
		return "--http2-prior-knowledge";
	}

	@Test
	void jdkClientUpgradesToHttp2() {
		HttpResponse<String> response = Http2Clients.jdkGet(URI.create(url("/zmqws/client.js")), Version.HTTP_2);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.version()).isEqualTo(Version.HTTP_2);
	}

	@Test
	void curlWithPriorKnowledgeSpeaksHttp2() {
		assertThat(Http2Clients.curl(url("/zmqws/client.js"), "--http2-prior-knowledge")).isEqualTo("2 200");
	}

	@Test
	void curlUpgradesToHttp2() {
		assertThat(Http2Clients.curl(url("/zmqws/client.js"), "--http2")).isEqualTo("2 200");
	}

	@Test
	void curlSpeaksHttp11OnTheSamePort() {
		assertThat(Http2Clients.curl(url("/zmqws/client.js"), "--http1.1")).isEqualTo("1.1 200");
	}

	@Test
	void h2loadRunsAllRequestsOverH2c() {
		Http2Clients.H2load report = Http2Clients.h2load(url("/zmqws/client.js"), 200, 4);
		assertThat(report.applicationProtocol()).as(report.output()).isEqualTo("h2c");
		assertThat(report.succeeded()).as(report.output()).isEqualTo(200);
		assertThat(report.failedOrErrored()).as(report.output()).isZero();
	}

}
