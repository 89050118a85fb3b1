package io.zmqws.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1} in a PKCS#12 key
 * store, made once per JVM by the JDK's own {@code keytool}, for servers under test and
 * the clients that trust it.
 */
public final class TestCertificate {

	/** The key store's (and key's) password. */
	public static final String PASSWORD = "zmqws-test";

	/** The key's alias. */
	public static final String ALIAS = "zmqws-test";

	private static Path keyStore;

	private TestCertificate() {
	}

	/** The key store, made on first use. */
	public static synchronized Path keyStore() {
		if (keyStore == null) {
			try {
				Path file = Files.createTempDirectory("zmqws-tls").resolve("zmqws-test.p12");
				String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
				Command.Result result = Command.run(Duration.ofSeconds(60), keytool, "-genkeypair", "-alias", ALIAS,
						"-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30", "-dname", "CN=localhost",
						"-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", file.toString(),
						"-storepass", PASSWORD, "-keypass", PASSWORD);
				if (result.exitCode() != 0) {
					throw new IllegalStateException("keytool failed: " + result.output());
				}
				keyStore = file;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return keyStore;
	}

	/**
	 * Serves a Spring Boot test over TLS with this certificate, as the SSL bundle
	 * {@code zmqws-test}.
	 */
	public static void serveWith(DynamicPropertyRegistry registry) {
		registry.add("server.ssl.bundle", () -> "zmqws-test");
		registry.add("spring.ssl.bundle.jks.zmqws-test.keystore.location", () -> keyStore().toUri().toString());
		registry.add("spring.ssl.bundle.jks.zmqws-test.keystore.password", () -> PASSWORD);
		registry.add("spring.ssl.bundle.jks.zmqws-test.keystore.type", () -> "PKCS12");
	}

	/** Trust managers that trust this certificate only. */
	public static TrustManagerFactory trustManagers() {
		try (InputStream in = Files.newInputStream(keyStore())) {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(in, PASSWORD.toCharArray());
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(store);
			return trust;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A TLS context that trusts this certificate only. */
	public static SSLContext trustingContext() {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trustManagers().getTrustManagers(), null);
			return context;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
