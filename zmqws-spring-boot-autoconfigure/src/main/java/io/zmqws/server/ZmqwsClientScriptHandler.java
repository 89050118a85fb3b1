package io.zmqws.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;

/**
 * Serves the browser client next to the WebSocket endpoint: {@value #SCRIPT} (an ES
 * module) and its TypeScript definitions {@value #TYPES}, e.g. at
 * {@code /zmqws/client.js}.
 * <p>
 * Responses carry a strong {@code ETag} derived from the file's content and are
 * revalidated hourly ({@code Cache-Control: public, max-age=3600}); a request with
 * {@code If-None-Match} naming the current tag gets {@code 304}. A URL whose {@code v}
 * query parameter equals the tag's value (e.g. {@code client.js?v=0.1.0-3fa1...}) may
 * be cached for a year, since that URL always names the same content. Only {@code GET}
 * and {@code HEAD} are served.
 */
public class ZmqwsClientScriptHandler implements WebHandler {

	/** The name of the client module. */
	public static final String SCRIPT = "client.js";

	/** The name of the client's TypeScript definitions. */
	public static final String TYPES = "client.d.ts";

	private static final String LOCATION = "io/zmqws/client/";

	private static final Pattern VERSION = Pattern.compile("version (\\d[\\w.+-]*)");

	private static final CacheControl REVALIDATE_HOURLY = CacheControl.maxAge(Duration.ofHours(1)).cachePublic();

	private static final CacheControl IMMUTABLE = CacheControl.maxAge(Duration.ofDays(365))
		.cachePublic()
		.immutable();

	private static final MediaType JAVASCRIPT = new MediaType("text", "javascript", StandardCharsets.UTF_8);

	private static final MediaType TYPESCRIPT = new MediaType("application", "typescript", StandardCharsets.UTF_8);

	private final Map<String, Asset> assets;

	private final String version;

	public ZmqwsClientScriptHandler() {
		Asset script = load(SCRIPT, JAVASCRIPT);
		this.assets = Map.of(SCRIPT, script, TYPES, load(TYPES, TYPESCRIPT));
		this.version = versionOf(script.body());
	}

	/** The client's version, as the header comment of {@value #SCRIPT} states it. */
	public String version() {
		return this.version;
	}

	/**
	 * The value of the client module's {@code ETag}, without quotes; as the {@code v}
	 * query parameter it makes the URL cacheable for a year.
	 */
	public String scriptTag() {
		return this.assets.get(SCRIPT).tag();
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		String path = exchange.getRequest().getPath().value();
		Asset asset = this.assets.get(path.substring(path.lastIndexOf('/') + 1));
		ServerHttpResponse response = exchange.getResponse();
		if (asset == null) {
			response.setStatusCode(HttpStatus.NOT_FOUND);
			return response.setComplete();
		}
		HttpMethod method = exchange.getRequest().getMethod();
		if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
			response.setStatusCode(HttpStatus.METHOD_NOT_ALLOWED);
			response.getHeaders().set(HttpHeaders.ALLOW, "GET, HEAD");
			return response.setComplete();
		}
		HttpHeaders headers = response.getHeaders();
		boolean versioned = asset.tag().equals(exchange.getRequest().getQueryParams().getFirst("v"));
		headers.setCacheControl(versioned ? IMMUTABLE : REVALIDATE_HOURLY);
		headers.set("X-Content-Type-Options", "nosniff");
		if (exchange.checkNotModified("\"" + asset.tag() + "\"")) {
			return response.setComplete();
		}
		headers.setContentType(asset.type());
		headers.setContentLength(asset.body().length);
		if (method == HttpMethod.HEAD) {
			return response.setComplete();
		}
		return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(asset.body())));
	}

	private static Asset load(String name, MediaType type) {
		ClassLoader classLoader = ZmqwsClientScriptHandler.class.getClassLoader();
		try (InputStream in = classLoader.getResourceAsStream(LOCATION + name)) {
			if (in == null) {
				throw new IllegalStateException("The zmqws client file " + LOCATION + name + " is not on the classpath");
			}
			byte[] body = in.readAllBytes();
			String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body), 0, 8);
			return new Asset(body, type, versionOf(body) + "-" + hash);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the zmqws client file " + LOCATION + name, ex);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

	private static String versionOf(byte[] body) {
		Matcher matcher = VERSION.matcher(new String(body, 0, Math.min(body.length, 512), StandardCharsets.UTF_8));
		return matcher.find() ? matcher.group(1) : "0";
	}

	/** One file: its bytes, its media type and the value of its entity tag. */
	private record Asset(byte[] body, MediaType type, String tag) {
	}

}
