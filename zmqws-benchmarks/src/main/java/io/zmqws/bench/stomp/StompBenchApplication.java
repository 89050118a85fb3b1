package io.zmqws.bench.stomp;

import io.zmqws.bench.server.ServerStats;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

/**
 * The fan-out baseline a Spring user would pick: Spring's WebSocket support on the servlet
 * stack (Tomcat) with STOMP and the simple in-memory broker, all defaults. Clients connect
 * to {@code /stomp} (plain WebSocket, no SockJS), subscribe to {@code /topic/bench}, and
 * the publisher sends {@code SEND} frames straight to that broker destination.
 * <p>
 * The zmqws auto-configurations are excluded so that this process holds only what a STOMP
 * application would.
 */
@SpringBootApplication(scanBasePackageClasses = StompBenchApplication.class,
		excludeName = { "io.zmqws.autoconfigure.ZmqwsAutoConfiguration",
				"io.zmqws.autoconfigure.ZmqwsWebSocketAutoConfiguration",
				"io.zmqws.autoconfigure.ZmqwsRpcAutoConfiguration",
				"io.zmqws.autoconfigure.ZmqwsSecurityAutoConfiguration" })
@EnableWebSocketMessageBroker
public class StompBenchApplication implements WebSocketMessageBrokerConfigurer {

	public static void main(String[] args) {
		SpringApplication application = new SpringApplication(StompBenchApplication.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		application.run(args);
	}

	@Override
	public void registerStompEndpoints(StompEndpointRegistry registry) {
		registry.addEndpoint("/stomp").setAllowedOriginPatterns("*");
	}

	@Override
	public void configureMessageBroker(MessageBrokerRegistry registry) {
		registry.enableSimpleBroker("/topic");
		registry.setApplicationDestinationPrefixes("/app");
	}

	@EventListener
	void ready(ApplicationReadyEvent event) {
		var server = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer();
		ServerStats.announceReady("stomp", server.getPort(), server.getClass().getSimpleName());
	}

}
