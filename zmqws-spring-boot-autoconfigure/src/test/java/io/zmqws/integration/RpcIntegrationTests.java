package io.zmqws.integration;

import java.util.List;

import io.zmqws.testsupport.WsClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Browser calls to {@code @ZmqRpc} beans over a real WebSocket.
 */
@SpringBootTest(classes = { GatewayTestApplication.class, RpcTestServices.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(RpcTestServices.class)
class RpcIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void positionalKeywordAndMixedArguments() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"call\",\"id\":1,\"method\":\"calc.add\",\"args\":[1,2]}");
			client.send("{\"op\":\"call\",\"id\":2,\"method\":\"calc.add\",\"kwargs\":{\"a\":10,\"b\":20}}");
			client.send("{\"op\":\"call\",\"id\":3,\"method\":\"calc.add\",\"args\":[100],\"kwargs\":{\"b\":5}}");
			assertThat(client.awaitOp("result", 1L).path("value").asInt()).isEqualTo(3);
			assertThat(client.awaitOp("result", 2L).path("value").asInt()).isEqualTo(30);
			assertThat(client.awaitOp("result", 3L).path("value").asInt()).isEqualTo(105);
		}
	}

	@Test
	void bindsRecordsListsEnumsOptionalsAndRenamedMethods() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"call\",\"id\":1,\"method\":\"calc.echoOrder\",\"args\":[{\"symbol\":\"EURUSD\","
					+ "\"quantity\":1.5,\"side\":\"SELL\"}]}");
			client.send("{\"op\":\"call\",\"id\":2,\"method\":\"calc.sum\",\"args\":[[1,2,3,4]]}");
			client.send("{\"op\":\"call\",\"id\":3,\"method\":\"calc.opposite\",\"kwargs\":{\"side\":\"BUY\"}}");
			client.send("{\"op\":\"call\",\"id\":4,\"method\":\"calc.round\",\"args\":[3.14159]}");
			client.send("{\"op\":\"call\",\"id\":5,\"method\":\"calc.round\",\"args\":[3.14159,4]}");
			JsonNode order = client.awaitOp("result", 1L).path("value");
			assertThat(order.path("symbol").asString()).isEqualTo("EURUSD");
			assertThat(order.path("quantity").decimalValue()).isEqualByComparingTo("1.5");
			assertThat(order.path("side").asString()).isEqualTo("SELL");
			assertThat(client.awaitOp("result", 2L).path("value").asLong()).isEqualTo(10);
			assertThat(client.awaitOp("result", 3L).path("value").asString()).isEqualTo("SELL");
			assertThat(client.awaitOp("result", 4L).path("value").asString()).isEqualTo("3.14");
			assertThat(client.awaitOp("result", 5L).path("value").asString()).isEqualTo("3.1416");
		}
	}

	@Test
	void eachBindingErrorNamesTheArgument() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"call\",\"id\":1,\"method\":\"calc.add\",\"args\":[1]}");
			client.send("{\"op\":\"call\",\"id\":2,\"method\":\"calc.add\",\"args\":[1,2,3]}");
			client.send("{\"op\":\"call\",\"id\":3,\"method\":\"calc.add\",\"args\":[1,2],\"kwargs\":{\"c\":3}}");
			client.send("{\"op\":\"call\",\"id\":4,\"method\":\"calc.add\",\"args\":[1,2],\"kwargs\":{\"a\":3}}");
			client.send("{\"op\":\"call\",\"id\":5,\"method\":\"calc.add\",\"args\":[\"one\",2]}");
			client.send("{\"op\":\"call\",\"id\":6,\"method\":\"calc.add\",\"args\":[null,2]}");
			client.send("{\"op\":\"call\",\"id\":7,\"method\":\"calc.opposite\",\"args\":[\"SIDEWAYS\"]}");
			assertInvalid(client, 1, "Missing argument 'b'");
			assertInvalid(client, 2, "at most 2 positional arguments");
			assertInvalid(client, 3, "Unknown argument 'c'");
			assertInvalid(client, 4, "Argument 'a' given twice");
			assertInvalid(client, 5, "Argument 'a' is not an integer");
			assertInvalid(client, 6, "Argument 'a' must not be null");
			assertInvalid(client, 7, "Argument 'side' is not one of [BUY, SELL]");
		}
	}

	@Test
	void monoFutureAndVoidResults() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"call\",\"id\":1,\"method\":\"calc.greet\",\"args\":[\"Ada\"]}");
			client.send("{\"op\":\"call\",\"id\":2,\"method\":\"calc.square\",\"args\":[12]}");
			client.send("{\"op\":\"call\",\"id\":3,\"method\":\"calc.touch\"}");
			client.send("{\"op\":\"call\",\"id\":4,\"method\":\"calc.whoAmI\"}");
			assertThat(client.awaitOp("result", 1L).path("value").asString()).isEqualTo("Hello, Ada");
			assertThat(client.awaitOp("result", 2L).path("value").asInt()).isEqualTo(144);
			assertThat(client.awaitOp("result", 3L).path("value").isNull()).isTrue();
			assertThat(client.awaitOp("result", 4L).path("value").asString()).isEqualTo("websocket:anonymous");
		}
	}

	@Test
	void blockingMethodsRunOnTheRpcSchedulerAndNonBlockingOnesOnTheConnectionsEventLoop() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"call\",\"id\":1,\"method\":\"calc.threadOfBlocking\"}");
			client.send("{\"op\":\"call\",\"id\":2,\"method\":\"calc.threadOfNonBlocking\"}");
			client.send("{\"op\":\"call\",\"id\":3,\"method\":\"calc.threadOfNonBlockingFuture\"}");
			assertThat(client.awaitOp("result", 1L).path("value").asString()).startsWith("zmqws-rpc-");
			for (long id : new long[] { 2, 3 }) {
				assertThat(client.awaitOp("result", id).path("value").asString()).as("call %d", id)
					.doesNotStartWith("zmqws-rpc")
					.contains("-http-");
			}
		}
	}

	@Test
	void fluxStreamsItemsThenDone() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"call\",\"id\":9,\"method\":\"streams.count\",\"args\":[5]}");
			client.awaitOp("done", 9L);
			List<Integer> items = client.received()
				.stream()
				.filter((m) -> m.path("op").asString().equals("item") && m.path("id").asLong() == 9)
				.map((m) -> m.path("value").asInt())
				.toList();
			assertThat(items).containsExactly(1, 2, 3, 4, 5);
			assertThat(client.received()).noneMatch((m) -> m.path("op").asString().equals("result"));
		}
	}

	@Test
	void longStreamArrivesWholeWithoutOverflowingTheConnection() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"call\",\"id\":5,\"method\":\"streams.count\",\"args\":[5000]}");
			client.awaitOp("done", 5L);
			List<JsonNode> items = client.received()
				.stream()
				.filter((m) -> m.path("op").asString().equals("item"))
				.toList();
			assertThat(items).hasSize(5000);
			for (int i = 0; i < items.size(); i++) {
				assertThat(items.get(i).path("value").asInt()).isEqualTo(i + 1);
			}
			assertThat(client.isClosed()).isFalse();
		}
	}

	@Test
	void cancellingAStreamDisposesItOnTheServer() throws InterruptedException {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"call\",\"id\":1,\"method\":\"streams.forever\"}");
			client.awaitCount((m) -> m.path("op").asString().equals("item"), 3, java.time.Duration.ofSeconds(10));
			client.send("{\"op\":\"cancel\",\"id\":1}");
			assertThat(RpcTestServices.Streams.cancelled.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
			client.send("{\"op\":\"cancel\",\"id\":1}");
			assertThat(client.await((m) -> m.path("op").asString().equals("error")
					&& m.path("failedOp").asString().equals("cancel")).path("code").asString())
				.isEqualTo("unknown_call");
		}
	}

	@Test
	void streamErrorEndsTheStreamWithItsCode() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"call\",\"id\":4,\"method\":\"streams.failing\"}");
			JsonNode error = client.awaitOp("error", 4L);
			assertThat(error.path("code").asString()).isEqualTo("stream_broke");
			assertThat(client.awaitOp("item", 4L).path("value").asString()).isEqualTo("first");
		}
	}

	@Test
	void methodTimeoutAndShorterClientTimeout() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"call\",\"id\":1,\"method\":\"calc.slow\"}");
			client.send("{\"op\":\"call\",\"id\":2,\"method\":\"calc.slow\",\"timeout\":50}");
			assertThat(client.awaitOp("error", 1L).path("code").asString()).isEqualTo("timeout");
			assertThat(client.awaitOp("error", 2L).path("code").asString()).isEqualTo("timeout");
		}
	}

	@Test
	void exceptionsMapToStableCodesWithoutLeakingDetails() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"call\",\"id\":1,\"method\":\"calc.divide\",\"args\":[1,0]}");
			client.send("{\"op\":\"call\",\"id\":2,\"method\":\"calc.boom\"}");
			client.send("{\"op\":\"call\",\"id\":3,\"method\":\"calc.nothing\"}");
			client.send("{\"op\":\"call\",\"id\":4,\"method\":\"calc.hidden\"}");
			client.send("{\"op\":\"call\",\"id\":5,\"method\":\"calc.secret\"}");
			client.send("{\"op\":\"call\",\"id\":6,\"method\":\"calc.toString\"}");
			JsonNode divide = client.awaitOp("error", 1L);
			assertThat(divide.path("code").asString()).isEqualTo("division_by_zero");
			assertThat(divide.path("message").asString()).isEqualTo("Cannot divide by zero");
			JsonNode boom = client.awaitOp("error", 2L);
			assertThat(boom.path("code").asString()).isEqualTo("internal");
			assertThat(boom.toString()).doesNotContain("secret", "com.example", "IllegalState", "Exception");
			for (long id = 3; id <= 6; id++) {
				assertThat(client.awaitOp("error", id).path("code").asString()).isEqualTo("unknown_method");
			}
		}
	}

	@Test
	void slowBlockingMethodDoesNotDelayACallOnAnotherConnection() {
		try (WsClient blocked = WsClient.connect(this.port); WsClient other = WsClient.connect(this.port)) {
			blocked.send("{\"op\":\"call\",\"id\":1,\"method\":\"calc.block\"}");
			org.awaitility.Awaitility.await().until(() -> RpcTestServices.Calculator.blockedCalls.get() > 0);
			other.send("{\"op\":\"call\",\"id\":1,\"method\":\"calc.add\",\"args\":[2,2]}");
			assertThat(other.awaitOp("result", 1L).path("value").asInt()).isEqualTo(4);
			blocked.send("{\"op\":\"ping\",\"id\":77}");
			blocked.awaitOp("pong", 77L);
			assertThat(blocked.received()).noneMatch((m) -> m.path("op").asString().equals("result"));
			RpcTestServices.Calculator.release.countDown();
			assertThat(blocked.awaitOp("result", 1L).path("value").asString()).isEqualTo("released");
		}
	}

	@Test
	void introspectionListsWhatTheCallerMayCall() {
		try (WsClient client = WsClient.connect(this.port)) {
			client.send("{\"op\":\"methods\"}");
			JsonNode methods = client.awaitOp("methods", null).path("methods");
			List<String> names = new java.util.ArrayList<>();
			methods.forEach((method) -> names.add(method.path("name").asString()));
			assertThat(names).contains("calc.add", "calc.sum", "calc.greet", "streams.count")
				.doesNotContain("calc.hidden", "calc.secret", "calc.toString", "calc.total", "calc.equals");
			JsonNode add = findMethod(methods, "calc.add");
			assertThat(add.path("params").toString()).isEqualTo("[\"a\",\"b\"]");
			assertThat(add.path("streaming").asBoolean()).isFalse();
			assertThat(findMethod(methods, "calc.whoAmI").path("params").size()).isZero();
			assertThat(findMethod(methods, "streams.count").path("streaming").asBoolean()).isTrue();
		}
	}

	private static JsonNode findMethod(JsonNode methods, String name) {
		for (JsonNode method : methods) {
			if (method.path("name").asString().equals(name)) {
				return method;
			}
		}
		throw new AssertionError("No method " + name + " in " + methods);
	}

	private static void assertInvalid(WsClient client, long id, String message) {
		JsonNode error = client.awaitOp("error", id);
		assertThat(error.path("code").asString()).isEqualTo("invalid_argument");
		assertThat(error.path("message").asString()).contains(message);
		assertThat(error.path("failedOp").asString()).isEqualTo("call");
	}

}
