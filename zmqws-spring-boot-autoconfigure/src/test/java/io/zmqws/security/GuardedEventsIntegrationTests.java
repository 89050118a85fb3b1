package io.zmqws.security;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.zmqws.pubsub.EventGuard;
import io.zmqws.pubsub.ZmqwsTemplate;
import io.zmqws.testsupport.WsClient;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Guarded events: each subscriber of a path receives an event only if the guard allows
 * it; answers are cached per subscriber and guard, and expire.
 */
@SpringBootTest(classes = SecuredGatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "zmqws.security.paths[0].pattern=/**", "zmqws.security.paths[0].access=isAuthenticated()",
				"zmqws.security.guard-cache-ttl=1s" })
@Import(GuardedEventsIntegrationTests.Guards.class)
class GuardedEventsIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	ZmqwsTemplate template;

	@Test
	void roleGuardAdmitsOneOfTwoSubscribersOfTheSameEvent() {
		try (WsClient alice = subscriber("alice", "alice-pw", "/orders");
				WsClient bob = subscriber("bob", "bob-pw", "/orders")) {
			assertThat(this.template.publish("/orders/1", Map.of("qty", 5), EventGuards.hasRole("TRADER")))
				.isEqualTo(2);
			this.template.publish("/orders/2", "public");
			assertThat(alice.awaitOp("event", null).path("data").path("qty").asInt()).isEqualTo(5);
			bob.await((m) -> m.path("op").asString().equals("event") && m.path("path").asString().equals("/orders/2"));
			assertThat(bob.received()).noneMatch((m) -> m.path("path").asString().equals("/orders/1"));
		}
	}

	@Test
	void namedGuardBeanIsAskedOncePerSubscriberUntilItsAnswerExpires() {
		Guards.asked.clear();
		try (WsClient alice = subscriber("alice", "alice-pw", "/vip")) {
			this.template.publish("/vip/a", "first", "vipGuard");
			this.template.publish("/vip/b", "second", "vipGuard");
			alice.await((m) -> m.path("path").asString().equals("/vip/b"));
			assertThat(Guards.asked).containsExactly("alice");
			await().pollDelay(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(10)).until(() -> true);
			this.template.publish("/vip/c", "third", "vipGuard");
			alice.await((m) -> m.path("path").asString().equals("/vip/c"));
			assertThat(Guards.asked).containsExactly("alice", "alice");
		}
	}

	private WsClient subscriber(String user, String password, String path) {
		WsClient client = WsClient.connect(this.port, Map.of("Authorization", "Basic "
				+ Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8))));
		client.send("{\"op\":\"subscribe\",\"path\":\"" + path + "\"}");
		client.await((m) -> m.path("op").asString().equals("subscribed"));
		return client;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Guards {

		static final List<String> asked = new CopyOnWriteArrayList<>();

		@Bean
		EventGuard vipGuard() {
			return new EventGuard() {

				@Override
				public String name() {
					return "vip";
				}

				@Override
				public Mono<Boolean> allows(Principal principal, String path) {
					asked.add(principal.getName());
					return Mono.just(principal.getName().startsWith("a"));
				}

			};
		}

	}

}
