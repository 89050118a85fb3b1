package io.zmqws.integration;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.zmqws.pubsub.BrowserCallException;
import io.zmqws.pubsub.ZmqwsTemplate;
import io.zmqws.testsupport.WsClient;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls from the server to functions browsers registered, and events to path
 * subscribers, through {@link ZmqwsTemplate} and a real WebSocket.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ServerToBrowserIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	ZmqwsTemplate template;

	@Test
	void oneWayCallReachesTheConnectionThatRegisteredTheFunction() {
		try (WsClient client = WsClient.connect(this.port); WsClient other = WsClient.connect(this.port)) {
			String session = register(client, "notify");
			assertThat(this.template.invoke(session, "notify", "Disk almost full", Map.of("level", 2))).isTrue();
			JsonNode invoke = client.awaitOp("invoke", null);
			assertThat(invoke.path("function").asString()).isEqualTo("notify");
			assertThat(invoke.has("cid")).isFalse();
			assertThat(invoke.path("args").get(0).asString()).isEqualTo("Disk almost full");
			assertThat(invoke.path("args").get(1).path("level").asInt()).isEqualTo(2);
			assertThat(this.template.invoke(session, "unknownFunction")).isFalse();
			assertThat(this.template.invoke("no-such-session", "notify")).isFalse();
			other.send("{\"op\":\"ping\",\"id\":1}");
			other.awaitOp("pong", 1L);
			assertThat(other.received()).noneMatch((m) -> m.path("op").asString().equals("invoke"));
		}
	}

	@Test
	void unregisteredFunctionIsNoLongerCalled() {
		try (WsClient client = WsClient.connect(this.port)) {
			String session = register(client, "notify");
			client.send("{\"op\":\"unregister\",\"name\":\"notify\"}");
			client.awaitOp("unregistered", null);
			assertThat(this.template.invoke(session, "notify", "x")).isFalse();
		}
	}

	@Test
	void acknowledgedCallReturnsTheClientsAnswer() {
		try (WsClient client = WsClient.connect(this.port)) {
			String session = register(client, "confirm");
			StepVerifier.create(this.template.ask(session, "confirm", Duration.ofSeconds(10), "Delete 3 files?"))
				.then(() -> {
					JsonNode invoke = client.awaitOp("invoke", null);
					assertThat(invoke.path("args").get(0).asString()).isEqualTo("Delete 3 files?");
					client.send("{\"op\":\"return\",\"cid\":" + invoke.path("cid").asLong() + ",\"value\":{\"ok\":true}}");
				})
				.assertNext((answer) -> assertThat(answer.path("ok").asBoolean()).isTrue())
				.verifyComplete();
		}
	}

	@Test
	void acknowledgedCallFailsWithTheClientsErrorTimeoutOrNoClient() {
		try (WsClient client = WsClient.connect(this.port)) {
			String session = register(client, "confirm");
			StepVerifier.create(this.template.ask(session, "confirm", Duration.ofSeconds(10)))
				.then(() -> client.send("{\"op\":\"return\",\"cid\":" + client.awaitOp("invoke", null).path("cid").asLong()
						+ ",\"error\":\"User said no\"}"))
				.expectErrorSatisfies((ex) -> assertReason(ex, BrowserCallException.Reason.CLIENT_ERROR, "User said no"))
				.verify(Duration.ofSeconds(10));
			StepVerifier.create(this.template.ask(session, "confirm", Duration.ofMillis(100)))
				.expectErrorSatisfies((ex) -> assertReason(ex, BrowserCallException.Reason.TIMEOUT, "did not answer"))
				.verify(Duration.ofSeconds(10));
			StepVerifier.create(this.template.ask(session, "missing", Duration.ofSeconds(1)))
				.expectErrorSatisfies((ex) -> assertReason(ex, BrowserCallException.Reason.NO_CLIENT, "missing"))
				.verify(Duration.ofSeconds(10));
		}
	}

	@Test
	void pendingAcknowledgedCallFailsWhenTheClientDisconnects() {
		WsClient client = WsClient.connect(this.port);
		String session = register(client, "confirm");
		StepVerifier.create(this.template.ask(session, "confirm", Duration.ofSeconds(30)))
			.then(() -> {
				client.awaitOp("invoke", null);
				client.close();
			})
			.expectErrorSatisfies((ex) -> assertReason(ex, BrowserCallException.Reason.DISCONNECTED, "disconnected"))
			.verify(Duration.ofSeconds(10));
	}

	@Test
	void eventsReachSubscribersOfThePathOrAPathAboveIt() {
		try (WsClient rooms = WsClient.connect(this.port);
				WsClient roomOne = WsClient.connect(this.port);
				WsClient elsewhere = WsClient.connect(this.port)) {
			subscribePath(rooms, "/rooms");
			subscribePath(roomOne, "/rooms/1");
			subscribePath(elsewhere, "/roomsmore");
			assertThat(this.template.publish("/rooms/1/messages", Map.of("text", "hi"))).isEqualTo(2);
			for (WsClient client : List.of(rooms, roomOne)) {
				JsonNode event = client.awaitOp("event", null);
				assertThat(event.path("path").asString()).isEqualTo("/rooms/1/messages");
				assertThat(event.path("data").path("text").asString()).isEqualTo("hi");
			}
			assertThat(this.template.publish("/rooms/2", "other room")).isEqualTo(1);
			rooms.await((m) -> m.path("op").asString().equals("event") && m.path("path").asString().equals("/rooms/2"));
			elsewhere.send("{\"op\":\"ping\",\"id\":1}");
			elsewhere.awaitOp("pong", 1L);
			assertThat(elsewhere.received()).noneMatch((m) -> m.path("op").asString().equals("event"));
			roomOne.send("{\"op\":\"unsubscribe\",\"path\":\"/rooms/1\"}");
			roomOne.await((m) -> m.path("op").asString().equals("unsubscribed"));
			assertThat(this.template.publish("/rooms/1", "after")).isEqualTo(1);
		}
	}

	@Test
	void callToEverySubscriberOfAPathThatRegisteredTheFunction() {
		try (WsClient withFunction = WsClient.connect(this.port); WsClient without = WsClient.connect(this.port)) {
			register(withFunction, "refresh");
			subscribePath(withFunction, "/dashboards");
			subscribePath(without, "/dashboards");
			assertThat(this.template.invokeSubscribers("/dashboards/sales", "refresh", 42)).isEqualTo(1);
			assertThat(withFunction.awaitOp("invoke", null).path("args").get(0).asInt()).isEqualTo(42);
		}
	}

	@Test
	void malformedPathsAreRefused() {
		try (WsClient client = WsClient.connect(this.port)) {
			for (String path : List.of("rooms", "/rooms/", "/a//b")) {
				client.send("{\"op\":\"subscribe\",\"path\":\"" + path + "\"}");
			}
			assertThat(client.awaitCount((m) -> m.path("code").asString().equals("invalid_field"), 3,
					Duration.ofSeconds(10)))
				.hasSize(3);
		}
	}

	private static String register(WsClient client, String function) {
		String session = client.awaitOp("welcome", null).path("session").asString();
		client.send("{\"op\":\"register\",\"name\":\"" + function + "\"}");
		client.await((m) -> m.path("op").asString().equals("registered") && m.path("name").asString().equals(function));
		return session;
	}

	private static void subscribePath(WsClient client, String path) {
		client.send("{\"op\":\"subscribe\",\"path\":\"" + path + "\"}");
		client.await((m) -> m.path("op").asString().equals("subscribed") && m.path("path").asString().equals(path));
	}

	private static void assertReason(Throwable ex, BrowserCallException.Reason reason, String message) {
		assertThat(ex).isInstanceOf(BrowserCallException.class).hasMessageContaining(message);
		assertThat(((BrowserCallException) ex).getReason()).isEqualTo(reason);
	}

}
