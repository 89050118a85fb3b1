package io.zmqws.sample.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Creates the self-signed development certificate of the {@code tls} profile when its
 * key store is missing, with the JDK's own {@code keytool}, before the web server reads
 * it.
 * <p>
 * Acts only while the server uses the development SSL bundle ({@code server.ssl.bundle}
 * is {@value #BUNDLE}), whose {@code keystore.location} must then be a {@code file:}.
 * Pointing {@code server.ssl.bundle} at a bundle with a real certificate switches it
 * off.
 */
public class DevelopmentCertificate implements EnvironmentPostProcessor {

	/** The name of the development SSL bundle. */
	public static final String BUNDLE = "zmqws-dev";

	private static final String PREFIX = "spring.ssl.bundle.jks." + BUNDLE + ".";

	private static final Log logger = LogFactory.getLog(DevelopmentCertificate.class);

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!BUNDLE.equals(environment.getProperty("server.ssl.bundle"))) {
			return;
		}
		String location = environment.getProperty(PREFIX + "keystore.location", "");
		String password = environment.getProperty(PREFIX + "keystore.password", "");
		if (!location.startsWith("file:") || password.isEmpty()) {
			throw new IllegalStateException("The development bundle needs " + PREFIX
					+ "keystore.location as a file: and a " + PREFIX + "keystore.password");
		}
		Path keyStore = Path.of(location.substring("file:".length()));
		if (!Files.exists(keyStore)) {
			create(keyStore, password);
			logger.info("Created a self-signed development certificate for localhost in " + keyStore.toAbsolutePath());
		}
	}

	/**
	 * Creates a PKCS#12 key store holding a new EC key and a self-signed certificate for
	 * {@code localhost}, {@code 127.0.0.1} and {@code ::1}, valid for a year.
	 */
	static void create(Path keyStore, String password) {
		String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
		List<String> command = List.of(keytool, "-genkeypair", "-alias", BUNDLE, "-keyalg", "EC", "-groupname",
				"secp256r1", "-validity", "365", "-dname", "CN=localhost, O=zmqws development", "-ext",
				"SAN=dns:localhost,ip:127.0.0.1,ip:0:0:0:0:0:0:0:1", "-storetype", "PKCS12", "-keystore",
				keyStore.toString(), "-storepass", password, "-keypass", password);
		Path output = null;
		try {
			Path directory = keyStore.toAbsolutePath().getParent();
			Files.createDirectories(directory);
			output = Files.createTempFile(directory, "keytool", ".txt");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.start();
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("keytool did not finish within 60 s");
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException("keytool failed with " + process.exitValue() + ": "
						+ Files.readString(output, StandardCharsets.UTF_8));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the development certificate in " + keyStore, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while creating the development certificate", ex);
		}
		finally {
			if (output != null) {
				output.toFile().delete();
			}
		}
	}

}
