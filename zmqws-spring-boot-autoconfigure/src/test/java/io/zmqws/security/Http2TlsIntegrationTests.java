package io.zmqws.security;

import java.net.URI;
import java.net.http.HttpClient.Version;
import java.net.http.HttpResponse;

import io.zmqws.testsupport.Http2Clients;
import io.zmqws.testsupport.TestCertificate;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/2 over TLS (h2, chosen by ALPN) beside HTTP/1.1 on the same port, from Spring
 * Boot's {@code server.http2.enabled} and an SSL bundle, and WebSockets over it.
 */
class Http2TlsIntegrationTests extends Http2GatewayIntegrationTests {

	@DynamicPropertySource
	static void tls(DynamicPropertyRegistry registry) {
		TestCertificate.serveWith(registry);
	}

	@Override
	String scheme() {
		return "https";
	}

	@Override
	HttpClient http2Client() {
		return Http2Clients.reactorH2();
	}

	@Override
	HttpClient http11Client() {
		return Http2Clients.reactorHttp11Tls();
	}

	@Override
	String curlHttp2Option() {
		return "--http2";
	}

	@Test
	void jdkClientNegotiatesHttp2() {
		HttpResponse<String> response = Http2Clients.jdkGet(URI.create(url("/zmqws/client.js")), Version.HTTP_2);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.version()).isEqualTo(Version.HTTP_2);
	}

	@Test
	void jdkClientAskingForHttp11GetsIt() {
		HttpResponse<String> response = Http2Clients.jdkGet(URI.create(url("/zmqws/client.js")), Version.HTTP_1_1);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.version()).isEqualTo(Version.HTTP_1_1);
	}

	@Test
	void curlNegotiatesHttp2WithAlpn() {
		assertThat(Http2Clients.curl(url("/zmqws/client.js"), "--http2")).isEqualTo("2 200");
	}

	@Test
	void curlSpeaksHttp11OnTheSamePort() {
		assertThat(Http2Clients.curl(url("/zmqws/client.js"), "--http1.1")).isEqualTo("1.1 200");
	}

	@Test
	void h2loadRunsAllRequestsOverH2() {
		Http2Clients.H2load report = Http2Clients.h2load(url("/zmqws/client.js"), 200, 4);
		assertThat(report.applicationProtocol()).as(report.output()).isEqualTo("h2");
		assertThat(report.succeeded()).as(report.output()).isEqualTo(200);
		assertThat(report.failedOrErrored()).as(report.output()).isZero();
	}

}
