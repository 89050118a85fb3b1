package io.zmqws.bench.gateway;

import io.zmqws.bench.server.ServerStats;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The gateway under test: the zmqws starter on WebFlux/Reactor Netty, configured only by
 * properties (given on the command line by the benchmark driver), plus one
 * {@code @ZmqRpc} bean ({@link BenchRpc}) and {@code GET /bench/stats} (heap after GC).
 * <p>
 * The web application type is set explicitly: this module also carries Tomcat and Spring
 * MVC for the STOMP baseline, which must not change the gateway's web stack.
 */
@SpringBootApplication(scanBasePackageClasses = GatewayBenchApplication.class)
public class GatewayBenchApplication {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(GatewayBenchApplication.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		application.run(args);
	}

	@Bean
	RouterFunction<ServerResponse> benchStats() {
		return RouterFunctions.route()
			.GET("/bench/stats", (request) -> Mono.fromCallable(ServerStats::json)
				.flatMap((json) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json)))
			.build();
	}

	@EventListener
	void ready(ApplicationReadyEvent event) {
		int port = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
		ServerStats.announceReady("gateway", port, event.getApplicationContext().getEnvironment()
			.getProperty("spring.main.web-application-type", "REACTIVE"),
				((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getClass().getSimpleName());
	}

}
