package io.zmqws.sample.tls;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DevelopmentCertificate}.
 */
class DevelopmentCertificateTests {

	@TempDir
	Path directory;

	@Test
	void createsAKeyStoreForLocalhostWhenMissing() throws Exception {
		Path keyStore = this.directory.resolve("dev-tls/zmqws-dev.p12");
		postProcess(environment("zmqws-dev", keyStore));
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStore)) {
			store.load(in, "secret".toCharArray());
		}
		assertThat(store.isKeyEntry(DevelopmentCertificate.BUNDLE)).isTrue();
		X509Certificate certificate = (X509Certificate) store.getCertificate(DevelopmentCertificate.BUNDLE);
		assertThat(certificate.getSubjectX500Principal().getName()).contains("CN=localhost");
		assertThat(certificate.getSubjectAlternativeNames()).contains(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
		certificate.checkValidity();
	}

	@Test
	void keepsAnExistingKeyStore() throws Exception {
		Path keyStore = this.directory.resolve("zmqws-dev.p12");
		postProcess(environment("zmqws-dev", keyStore));
		byte[] first = Files.readAllBytes(keyStore);
		postProcess(environment("zmqws-dev", keyStore));
		assertThat(Files.readAllBytes(keyStore)).isEqualTo(first);
	}

	@Test
	void doesNothingWhenTheServerUsesAnotherBundle() {
		Path keyStore = this.directory.resolve("zmqws-dev.p12");
		postProcess(environment("site", keyStore));
		assertThat(keyStore).doesNotExist();
	}

	private static MockEnvironment environment(String serverBundle, Path keyStore) {
		return new MockEnvironment().withProperty("server.ssl.bundle", serverBundle)
			.withProperty("spring.ssl.bundle.jks.zmqws-dev.keystore.location", "file:" + keyStore)
			.withProperty("spring.ssl.bundle.jks.zmqws-dev.keystore.password", "secret");
	}

	private static void postProcess(MockEnvironment environment) {
		new DevelopmentCertificate().postProcessEnvironment(environment, new SpringApplication());
	}

}
