package io.zmqws.protocol;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link JsonProtocolCodec}: decoding every client operation and every decode
 * error, encoding every server message, frames surviving the trip through JSON byte for
 * byte, whether they travel as strings or as base64, and published frames shared by many
 * clients encoded once into the same bytes.
 */
class JsonProtocolCodecTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final JsonProtocolCodec codec = new JsonProtocolCodec();

	@Test
	void batchSplitsIntoOneMessagePerLineSkippingBlankLines() {
		byte[] batch = "{\"op\":\"ping\"}\r\n\n  \n{\"op\":\"close\",\"sid\":1}\n".getBytes(StandardCharsets.UTF_8);
		List<byte[]> messages = this.codec.split(batch);
		assertThat(messages).extracting((bytes) -> new String(bytes, StandardCharsets.UTF_8))
			.containsExactly("{\"op\":\"ping\"}", "{\"op\":\"close\",\"sid\":1}");
		assertThat(this.codec.decode(messages.get(1))).isEqualTo(new ClientMessage.Close(1));
	}

	@Test
	void emptyBatchHoldsNoMessages() {
		assertThat(this.codec.split(new byte[0])).isEmpty();
		assertThat(this.codec.split("\n \n".getBytes(StandardCharsets.UTF_8))).isEmpty();
	}

	@Test
	void subprotocolIsV1JsonInTextFrames() {
		assertThat(this.codec.subprotocol()).isEqualTo("zmqws.v1.json");
		assertThat(this.codec.textFrames()).isTrue();
	}

	@Nested
	class Decode {

		@Test
		void open() {
			ClientMessage message = decode("{\"op\":\"open\",\"sid\":3,\"endpoint\":\"echo\"}");
			assertThat(message).isEqualTo(new ClientMessage.Open(3, "echo"));
			assertThat(message.op()).isEqualTo("open");
		}

		@Test
		void openWithLargestSid() {
			assertThat(decode("{\"op\":\"open\",\"sid\":9223372036854775807,\"endpoint\":\"e\"}"))
				.isEqualTo(new ClientMessage.Open(Long.MAX_VALUE, "e"));
		}

		@Test
		void close() {
			ClientMessage message = decode("{\"op\":\"close\",\"sid\":0}");
			assertThat(message).isEqualTo(new ClientMessage.Close(0));
			assertThat(message.op()).isEqualTo("close");
		}

		@Test
		void requestWithoutTimeoutUsesTheEndpointDefault() {
			ClientMessage.Request request = (ClientMessage.Request) decode(
					"{\"op\":\"request\",\"sid\":1,\"id\":42,\"frames\":[\"hello\",{\"base64\":\"AP8=\"},\"\"]}");
			assertThat(request.op()).isEqualTo("request");
			assertThat(request.sid()).isEqualTo(1);
			assertThat(request.id()).isEqualTo(42);
			assertThat(request.timeoutMillis()).isZero();
			assertThat(request.frames()).containsExactly(utf8("hello"), new byte[] { 0, (byte) 0xFF }, new byte[0]);
		}

		@Test
		void requestWithTimeout() {
			ClientMessage.Request request = (ClientMessage.Request) decode(
					"{\"op\":\"request\",\"sid\":2,\"id\":-5,\"frames\":[\"x\"],\"timeout\":1500}");
			assertThat(request.sid()).isEqualTo(2);
			assertThat(request.id()).isEqualTo(-5);
			assertThat(request.timeoutMillis()).isEqualTo(1500);
			assertThat(request.frames()).containsExactly(utf8("x"));
		}

		@Test
		void requestWithNullTimeoutUsesTheEndpointDefault() {
			ClientMessage.Request request = (ClientMessage.Request) decode(
					"{\"op\":\"request\",\"sid\":2,\"id\":1,\"frames\":[\"x\"],\"timeout\":null}");
			assertThat(request.timeoutMillis()).isZero();
		}

		@Test
		void subscribeWithStringTopic() {
			ClientMessage.Subscribe subscribe = (ClientMessage.Subscribe) decode(
					"{\"op\":\"subscribe\",\"sid\":4,\"topic\":\"quotes.\u00e9\"}");
			assertThat(subscribe.op()).isEqualTo("subscribe");
			assertThat(subscribe.sid()).isEqualTo(4);
			assertThat(subscribe.topic()).isEqualTo(utf8("quotes.\u00e9"));
		}

		@Test
		void subscribeWithEmptyTopicSubscribesToEverything() {
			ClientMessage.Subscribe subscribe = (ClientMessage.Subscribe) decode(
					"{\"op\":\"subscribe\",\"sid\":4,\"topic\":\"\"}");
			assertThat(subscribe.topic()).isEmpty();
		}

		@Test
		void subscribeWithBase64Topic() {
			ClientMessage.Subscribe subscribe = (ClientMessage.Subscribe) decode(
					"{\"op\":\"subscribe\",\"sid\":4,\"topic\":{\"base64\":\"gP8=\"}}");
			assertThat(subscribe.topic()).containsExactly(0x80, 0xFF);
		}

		@Test
		void unsubscribeWithStringTopic() {
			ClientMessage.Unsubscribe unsubscribe = (ClientMessage.Unsubscribe) decode(
					"{\"op\":\"unsubscribe\",\"sid\":5,\"topic\":\"news.\"}");
			assertThat(unsubscribe.op()).isEqualTo("unsubscribe");
			assertThat(unsubscribe.sid()).isEqualTo(5);
			assertThat(unsubscribe.topic()).isEqualTo(utf8("news."));
		}

		@Test
		void unsubscribeWithBase64Topic() {
			ClientMessage.Unsubscribe unsubscribe = (ClientMessage.Unsubscribe) decode(
					"{\"op\":\"unsubscribe\",\"sid\":5,\"topic\":{\"base64\":\"wyg=\"}}");
			assertThat(unsubscribe.topic()).containsExactly(0xC3, 0x28);
		}

		@Test
		void pushWithId() {
			ClientMessage.Push push = (ClientMessage.Push) decode(
					"{\"op\":\"push\",\"sid\":6,\"id\":9,\"frames\":[\"job\",{\"base64\":\"AQID\"}]}");
			assertThat(push.op()).isEqualTo("push");
			assertThat(push.sid()).isEqualTo(6);
			assertThat(push.id()).isEqualTo(9L);
			assertThat(push.frames()).containsExactly(utf8("job"), new byte[] { 1, 2, 3 });
		}

		@Test
		void pushWithoutIdIsFireAndForget() {
			ClientMessage.Push push = (ClientMessage.Push) decode("{\"op\":\"push\",\"sid\":6,\"frames\":[\"job\"]}");
			assertThat(push.sid()).isEqualTo(6);
			assertThat(push.id()).isNull();
			assertThat(push.frames()).containsExactly(utf8("job"));
		}

		@Test
		void pushWithNullIdIsFireAndForget() {
			ClientMessage.Push push = (ClientMessage.Push) decode(
					"{\"op\":\"push\",\"sid\":6,\"id\":null,\"frames\":[\"job\"]}");
			assertThat(push.id()).isNull();
		}

		@Test
		void pingWithId() {
			ClientMessage message = decode("{\"op\":\"ping\",\"id\":77}");
			assertThat(message).isEqualTo(new ClientMessage.Ping(77L));
			assertThat(message.op()).isEqualTo("ping");
		}

		@Test
		void pingWithoutId() {
			assertThat(decode("{\"op\":\"ping\"}")).isEqualTo(new ClientMessage.Ping(null));
		}

		@Test
		void unknownFieldsAreIgnored() {
			assertThat(decode("{\"op\":\"close\",\"sid\":1,\"extra\":{\"nested\":[1,2]}}"))
				.isEqualTo(new ClientMessage.Close(1));
		}

		@Test
		void fieldOrderDoesNotMatter() {
			assertThat(decode("{\"endpoint\":\"echo\",\"sid\":3,\"op\":\"open\"}"))
				.isEqualTo(new ClientMessage.Open(3, "echo"));
		}

		private ClientMessage decode(String json) {
			return JsonProtocolCodecTests.this.codec.decode(utf8(json));
		}

	}

	@Nested
	class DecodeErrors {

		@ParameterizedTest
		@ValueSource(strings = { "", "   ", "{", "not json", "{\"op\":\"open\",}", "{\"op\":'open'}",
				"{\"op\":\"ping\"} trailing" })
		void notJsonIsBadMessage(String json) {
			assertError(json, ErrorCode.BAD_MESSAGE, null, null, null);
		}

		@ParameterizedTest
		@ValueSource(strings = { "[]", "[{\"op\":\"ping\"}]", "\"ping\"", "42", "true", "null" })
		void jsonOtherThanAnObjectIsBadMessage(String json) {
			assertError(json, ErrorCode.BAD_MESSAGE, null, null, null);
		}

		@Test
		void invalidUtf8IsBadMessage() {
			byte[] bytes = { '{', '"', 'o', 'p', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}' };
			ProtocolException ex = decodeError(bytes);
			assertThat(ex.getCode()).isEqualTo(ErrorCode.BAD_MESSAGE);
		}

		@Test
		void missingOp() {
			assertError("{\"sid\":1}", ErrorCode.MISSING_FIELD, null, null, null);
		}

		@Test
		void nullOp() {
			assertError("{\"op\":null,\"sid\":1}", ErrorCode.MISSING_FIELD, null, null, null);
		}

		@ParameterizedTest
		@ValueSource(strings = { "1", "true", "[\"open\"]", "{\"name\":\"open\"}" })
		void opThatIsNotAString(String op) {
			assertError("{\"op\":" + op + ",\"sid\":1}", ErrorCode.INVALID_FIELD, null, null, null);
		}

		@ParameterizedTest
		@ValueSource(strings = { "fly", "", "OPEN", "reply" })
		void unknownOp(String op) {
			assertError("{\"op\":\"" + op + "\",\"sid\":1}", ErrorCode.UNKNOWN_OP, null, null, null);
		}

		@Test
		void unknownOpMessageIsAbbreviated() {
			String op = "x".repeat(100);
			ProtocolException ex = decodeError(utf8("{\"op\":\"" + op + "\"}"));
			assertThat(ex.getCode()).isEqualTo(ErrorCode.UNKNOWN_OP);
			assertThat(ex.getMessage()).contains("x".repeat(40) + "...").doesNotContain("x".repeat(41));
		}

		@ParameterizedTest
		@ValueSource(strings = { "open", "close", "request", "subscribe", "unsubscribe", "push" })
		void missingSid(String op) {
			assertError("{\"op\":\"" + op + "\"}", ErrorCode.MISSING_FIELD, op, null, null);
		}

		@ParameterizedTest
		@ValueSource(strings = { "open", "close", "request", "subscribe", "unsubscribe", "push" })
		void nullSid(String op) {
			assertError("{\"op\":\"" + op + "\",\"sid\":null}", ErrorCode.MISSING_FIELD, op, null, null);
		}

		@ParameterizedTest
		@ValueSource(strings = { "\"1\"", "1.5", "1.0", "1e3", "true", "[1]", "{}", "9223372036854775808",
				"-9223372036854775809" })
		void sidThatIsNotALong(String sid) {
			assertError("{\"op\":\"close\",\"sid\":" + sid + "}", ErrorCode.INVALID_FIELD, "close", null, null);
		}

		@Test
		void negativeSid() {
			assertError("{\"op\":\"close\",\"sid\":-1}", ErrorCode.INVALID_FIELD, "close", null, null);
		}

		@Test
		void openWithoutEndpoint() {
			assertError("{\"op\":\"open\",\"sid\":1}", ErrorCode.MISSING_FIELD, "open", 1L, null);
		}

		@Test
		void openWithEndpointThatIsNotAString() {
			assertError("{\"op\":\"open\",\"sid\":1,\"endpoint\":7}", ErrorCode.INVALID_FIELD, "open", 1L, null);
		}

		@Test
		void requestWithoutId() {
			assertError("{\"op\":\"request\",\"sid\":1,\"frames\":[\"x\"]}", ErrorCode.MISSING_FIELD, "request", 1L,
					null);
		}

		@Test
		void requestWithIdThatIsNotALong() {
			assertError("{\"op\":\"request\",\"sid\":1,\"id\":\"7\",\"frames\":[\"x\"]}", ErrorCode.INVALID_FIELD,
					"request", 1L, null);
		}

		@Test
		void requestWithoutFrames() {
			assertError("{\"op\":\"request\",\"sid\":1,\"id\":7}", ErrorCode.MISSING_FIELD, "request", 1L, 7L);
		}

		@ParameterizedTest
		@ValueSource(strings = { "[]", "\"x\"", "{\"base64\":\"AA==\"}", "5" })
		void requestWithFramesThatAreNotANonEmptyArray(String frames) {
			assertError("{\"op\":\"request\",\"sid\":1,\"id\":7,\"frames\":" + frames + "}", ErrorCode.INVALID_FIELD,
					"request", 1L, 7L);
		}

		@ParameterizedTest
		@ValueSource(strings = { "1", "null", "true", "[\"x\"]", "{}", "{\"base64\":1}", "{\"base64\":null}",
				"{\"base64\":\"AA==\",\"extra\":1}", "{\"text\":\"x\"}", "{\"base64\":\"not base64!\"}",
				"{\"base64\":\"A\"}", "{\"base64\":\"-_8=\"}" })
		void requestWithAFrameThatIsNeitherStringNorBase64(String frame) {
			assertError("{\"op\":\"request\",\"sid\":1,\"id\":7,\"frames\":[\"ok\"," + frame + "]}",
					ErrorCode.INVALID_FIELD, "request", 1L, 7L);
		}

		@ParameterizedTest
		@ValueSource(strings = { "0", "-1", "1.5", "\"100\"", "true" })
		void requestWithTimeoutThatIsNotAPositiveLong(String timeout) {
			assertError("{\"op\":\"request\",\"sid\":1,\"id\":7,\"frames\":[\"x\"],\"timeout\":" + timeout + "}",
					ErrorCode.INVALID_FIELD, "request", 1L, 7L);
		}

		@ParameterizedTest
		@ValueSource(strings = { "subscribe", "unsubscribe" })
		void topicMissing(String op) {
			assertError("{\"op\":\"" + op + "\",\"sid\":2}", ErrorCode.MISSING_FIELD, op, 2L, null);
		}

		@ParameterizedTest
		@CsvSource(delimiter = '|', value = { "subscribe | 1", "subscribe | [\"a\"]",
				"subscribe | {\"base64\":\"!!\"}", "unsubscribe | true", "unsubscribe | {\"b64\":\"AA==\"}" })
		void topicThatIsNeitherStringNorBase64(String op, String topic) {
			assertError("{\"op\":\"" + op + "\",\"sid\":2,\"topic\":" + topic + "}", ErrorCode.INVALID_FIELD, op, 2L,
					null);
		}

		@Test
		void pushWithIdThatIsNotALong() {
			assertError("{\"op\":\"push\",\"sid\":3,\"id\":\"a\",\"frames\":[\"x\"]}", ErrorCode.INVALID_FIELD, "push",
					3L, null);
		}

		@Test
		void pushWithoutFramesCarriesItsId() {
			assertError("{\"op\":\"push\",\"sid\":3,\"id\":8}", ErrorCode.MISSING_FIELD, "push", 3L, 8L);
		}

		@Test
		void pushWithoutIdAndInvalidFrames() {
			assertError("{\"op\":\"push\",\"sid\":3,\"frames\":[]}", ErrorCode.INVALID_FIELD, "push", 3L, null);
		}

		@Test
		void pingWithIdThatIsNotALong() {
			assertError("{\"op\":\"ping\",\"id\":\"x\"}", ErrorCode.INVALID_FIELD, "ping", null, null);
		}

		@Test
		void errorCarriesItsContextIntoTheErrorMessage() {
			ProtocolException ex = decodeError(utf8("{\"op\":\"request\",\"sid\":4,\"id\":9,\"frames\":[]}"));
			ServerMessage.Error error = ex.toError();
			assertThat(error.code()).isEqualTo(ErrorCode.INVALID_FIELD.code());
			assertThat(error.message()).isEqualTo(ex.getMessage()).contains("frames");
			assertThat(error.failedOp()).isEqualTo("request");
			assertThat(error.sid()).isEqualTo(4L);
			assertThat(error.id()).isEqualTo(9L);
		}

		private void assertError(String json, ErrorCode code, String op, Long sid, Long id) {
			ProtocolException ex = decodeError(utf8(json));
			assertThat(ex.getCode()).as("code of %s", json).isEqualTo(code);
			assertThat(ex.getOp()).as("op of %s", json).isEqualTo(op);
			assertThat(ex.getSid()).as("sid of %s", json).isEqualTo(sid);
			assertThat(ex.getId()).as("id of %s", json).isEqualTo(id);
			assertThat(ex.getMessage()).isNotBlank();
		}

		private ProtocolException decodeError(byte[] bytes) {
			return assertThatExceptionOfType(ProtocolException.class)
				.isThrownBy(() -> JsonProtocolCodecTests.this.codec.decode(bytes))
				.actual();
		}

	}

	@Nested
	class Encode {

		@ParameterizedTest(name = "{0}")
		@ValueSource(strings = { "\"plain\"", "\"quotes \\\" and \\\\ backslash\"", "\"\\u0000\\u001f control\"",
				"\"\\u20ac \\ud83d\\ude00 \\u2028\"", "\"\"", "true", "false", "null", "0", "-12345678901234",
				"1.5e300", "0.1", "123456789012345678901234567890", "[1,\"a\",null]", "{\"a\":{\"b\":[true]}}" })
		void resultItemAndEventValuesAreWrittenAsTheMapperWritesThem(String valueJson) {
			JsonNode value = mapper.readTree(valueJson);
			String written = mapper.writeValueAsString(value);
			assertThat(new String(JsonProtocolCodecTests.this.codec.encode(new ServerMessage.Result(7, value)),
					StandardCharsets.UTF_8))
				.isEqualTo("{\"op\":\"result\",\"id\":7,\"value\":" + written + "}");
			assertThat(new String(JsonProtocolCodecTests.this.codec.encode(new ServerMessage.Item(8, value)),
					StandardCharsets.UTF_8))
				.isEqualTo("{\"op\":\"item\",\"id\":8,\"value\":" + written + "}");
		}

		@Test
		void welcome() {
			JsonNode json = encode(new ServerMessage.Welcome("zmqws.v1.json", "s-1", null, "websocket", "1.1",
					new ServerMessage.Limits(1_048_576, 16, 256, 1000, null)));
			assertThat(fieldNames(json)).containsExactlyInAnyOrder("op", "protocol", "session", "transport", "http",
					"limits");
			assertThat(json.get("transport").stringValue()).isEqualTo("websocket");
			assertThat(json.get("http").stringValue()).isEqualTo("1.1");
			assertThat(encode(new ServerMessage.Welcome("zmqws.v1.json", "s-2", "alice", "sse", "2",
					new ServerMessage.Limits(1, 1, 1, 1, 65_536L))).get("user").stringValue()).isEqualTo("alice");
			assertThat(json.get("op").stringValue()).isEqualTo("welcome");
			assertThat(json.get("protocol").stringValue()).isEqualTo("zmqws.v1.json");
			assertThat(json.get("session").stringValue()).isEqualTo("s-1");
			JsonNode limits = json.get("limits");
			assertThat(fieldNames(limits)).containsExactlyInAnyOrder("maxMessageSize", "maxSockets",
					"maxSubscriptions", "maxPendingRequests");
			assertThat(limits.get("maxMessageSize").longValue()).isEqualTo(1_048_576);
			assertThat(limits.get("maxSockets").intValue()).isEqualTo(16);
			assertThat(limits.get("maxSubscriptions").intValue()).isEqualTo(256);
			assertThat(limits.get("maxPendingRequests").intValue()).isEqualTo(1000);
			assertThat(encode(new ServerMessage.Welcome("zmqws.v1.json", "s-3", null, "sse", "2",
					new ServerMessage.Limits(1, 1, 1, 1, 65_536L))).at("/limits/maxBatchSize").longValue())
				.isEqualTo(65_536);
		}

		@Test
		void opened() {
			JsonNode json = encode(new ServerMessage.Opened(3, "echo", "REQ"));
			assertThat(fieldNames(json)).containsExactlyInAnyOrder("op", "sid", "endpoint", "type");
			assertThat(json.get("op").stringValue()).isEqualTo("opened");
			assertThat(json.get("sid").longValue()).isEqualTo(3);
			assertThat(json.get("endpoint").stringValue()).isEqualTo("echo");
			assertThat(json.get("type").stringValue()).isEqualTo("REQ");
		}

		@Test
		void closed() {
			JsonNode json = encode(new ServerMessage.Closed(Long.MAX_VALUE));
			assertThat(fieldNames(json)).containsExactlyInAnyOrder("op", "sid");
			assertThat(json.get("op").stringValue()).isEqualTo("closed");
			assertThat(json.get("sid").longValue()).isEqualTo(Long.MAX_VALUE);
		}

		@Test
		void reply() {
			JsonNode json = encode(new ServerMessage.Reply(1, -2,
					List.of(utf8("text"), new byte[] { (byte) 0xFF }, new byte[0])));
			assertThat(fieldNames(json)).containsExactlyInAnyOrder("op", "sid", "id", "frames");
			assertThat(json.get("op").stringValue()).isEqualTo("reply");
			assertThat(json.get("sid").longValue()).isEqualTo(1);
			assertThat(json.get("id").longValue()).isEqualTo(-2);
			JsonNode frames = json.get("frames");
			assertThat(frames.isArray()).isTrue();
			assertThat(frames.size()).isEqualTo(3);
			assertThat(frames.get(0).stringValue()).isEqualTo("text");
			assertBase64(frames.get(1), "/w==");
			assertThat(frames.get(2).isString()).isTrue();
			assertThat(frames.get(2).stringValue()).isEmpty();
		}

		@Test
		void messageWithoutDropsHasNoDroppedField() {
			JsonNode json = encode(new ServerMessage.Message(4, List.of(utf8("quotes.EUR"), utf8("1.09")), 0));
			assertThat(fieldNames(json)).containsExactlyInAnyOrder("op", "sid", "frames");
			assertThat(json.get("op").stringValue()).isEqualTo("message");
			assertThat(json.get("sid").longValue()).isEqualTo(4);
			assertThat(json.get("frames").size()).isEqualTo(2);
			assertThat(json.get("frames").get(0).stringValue()).isEqualTo("quotes.EUR");
			assertThat(json.get("frames").get(1).stringValue()).isEqualTo("1.09");
		}

		@Test
		void messageAfterDropsCarriesTheCount() {
			JsonNode json = encode(new ServerMessage.Message(4, List.of(utf8("t")), 17));
			assertThat(fieldNames(json)).containsExactlyInAnyOrder("op", "sid", "frames", "dropped");
			assertThat(json.get("dropped").longValue()).isEqualTo(17);
		}

		@Test
		void subscribedWithTextTopic() {
			JsonNode json = encode(new ServerMessage.Subscribed(5, utf8("news.")));
			assertThat(fieldNames(json)).containsExactlyInAnyOrder("op", "sid", "topic");
			assertThat(json.get("op").stringValue()).isEqualTo("subscribed");
			assertThat(json.get("sid").longValue()).isEqualTo(5);
			assertThat(json.get("topic").stringValue()).isEqualTo("news.");
		}

		@Test
		void subscribedWithBinaryTopic() {
			JsonNode json = encode(new ServerMessage.Subscribed(5, new byte[] { (byte) 0x80, (byte) 0xFF }));
			assertBase64(json.get("topic"), "gP8=");
		}

		@Test
		void unsubscribedWithTextTopic() {
			JsonNode json = encode(new ServerMessage.Unsubscribed(6, new byte[0]));
			assertThat(fieldNames(json)).containsExactlyInAnyOrder("op", "sid", "topic");
			assertThat(json.get("op").stringValue()).isEqualTo("unsubscribed");
			assertThat(json.get("sid").longValue()).isEqualTo(6);
			assertThat(json.get("topic").stringValue()).isEmpty();
		}

		@Test
		void unsubscribedWithBinaryTopic() {
			JsonNode json = encode(new ServerMessage.Unsubscribed(6, new byte[] { (byte) 0xC3, 0x28 }));
			assertBase64(json.get("topic"), "wyg=");
		}

		@Test
		void pushed() {
			JsonNode json = encode(new ServerMessage.Pushed(7, 8));
			assertThat(fieldNames(json)).containsExactlyInAnyOrder("op", "sid", "id");
			assertThat(json.get("op").stringValue()).isEqualTo("pushed");
			assertThat(json.get("sid").longValue()).isEqualTo(7);
			assertThat(json.get("id").longValue()).isEqualTo(8);
		}

		@Test
		void pongWithId() {
			JsonNode json = encode(new ServerMessage.Pong(99L));
			assertThat(fieldNames(json)).containsExactlyInAnyOrder("op", "id");
			assertThat(json.get("op").stringValue()).isEqualTo("pong");
			assertThat(json.get("id").longValue()).isEqualTo(99);
		}

		@Test
		void pongWithoutId() {
			JsonNode json = encode(new ServerMessage.Pong(null));
			assertThat(fieldNames(json)).containsExactly("op");
			assertThat(json.get("op").stringValue()).isEqualTo("pong");
		}

		@Test
		void errorWithContext() {
			JsonNode json = encode(new ServerMessage.Error(ErrorCode.TIMEOUT, "No reply within 5000 ms", 2L, 3L,
					"request"));
			assertThat(fieldNames(json)).containsExactlyInAnyOrder("op", "code", "message", "failedOp", "sid", "id");
			assertThat(json.get("op").stringValue()).isEqualTo("error");
			assertThat(json.get("code").stringValue()).isEqualTo("timeout");
			assertThat(json.get("message").stringValue()).isEqualTo("No reply within 5000 ms");
			assertThat(json.get("failedOp").stringValue()).isEqualTo("request");
			assertThat(json.get("sid").longValue()).isEqualTo(2);
			assertThat(json.get("id").longValue()).isEqualTo(3);
		}

		@Test
		void errorWithoutContext() {
			JsonNode json = encode(new ServerMessage.Error(ErrorCode.BAD_MESSAGE, "Message is not valid JSON", null,
					null, null));
			assertThat(fieldNames(json)).containsExactlyInAnyOrder("op", "code", "message");
			assertThat(json.get("code").stringValue()).isEqualTo("bad_message");
			assertThat(json.get("message").stringValue()).isEqualTo("Message is not valid JSON");
		}

		@Test
		void errorWithSidOnly() {
			JsonNode json = encode(new ServerMessage.Error(ErrorCode.UNKNOWN_SOCKET, "No socket 9", 9L, null, "close"));
			assertThat(fieldNames(json)).containsExactlyInAnyOrder("op", "code", "message", "failedOp", "sid");
			assertThat(json.get("sid").longValue()).isEqualTo(9);
		}

		@Test
		void everyErrorCodeIsWrittenInItsWireForm() {
			for (ErrorCode code : ErrorCode.values()) {
				JsonNode json = encode(new ServerMessage.Error(code, "m", null, null, null));
				assertThat(json.get("code").stringValue()).isEqualTo(code.code());
			}
		}

		@Test
		void textNeedingJsonEscapesIsEscaped() {
			String message = "quote \" backslash \\ newline \n tab \t nul \u0000 </script>";
			byte[] encoded = JsonProtocolCodecTests.this.codec
				.encode(new ServerMessage.Error(ErrorCode.INTERNAL, message, null, null, null));
			assertThat(parse(encoded).get("message").stringValue()).isEqualTo(message);
		}

		private JsonNode encode(ServerMessage message) {
			return parse(JsonProtocolCodecTests.this.codec.encode(message));
		}

	}

	@Nested
	class RoundTrip {

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.JsonProtocolCodecTests#validUtf8")
		void validUtf8TravelsAsAStringAndComesBackUnchanged(String name, byte[] frame) {
			JsonNode encoded = encodeAsReplyFrame(frame);
			assertThat(encoded.isString()).as(name).isTrue();
			assertThat(encoded.stringValue().getBytes(StandardCharsets.UTF_8)).as(name).isEqualTo(frame);
			assertThat(roundTrip(List.of(frame))).as(name).containsExactly(frame);
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.JsonProtocolCodecTests#invalidUtf8")
		void invalidUtf8TravelsAsBase64AndComesBackUnchanged(String name, byte[] frame) {
			JsonNode encoded = encodeAsReplyFrame(frame);
			assertBase64(encoded, Base64.getEncoder().encodeToString(frame));
			assertThat(roundTrip(List.of(frame))).as(name).containsExactly(frame);
		}

		@Test
		void framesOfBothKindsKeepTheirOrder() {
			List<byte[]> frames = List.of(utf8("a"), new byte[] { (byte) 0xFF }, new byte[0], utf8("\u20ac"),
					new byte[] { (byte) 0xC3, 0x28 });
			assertThat(roundTrip(frames)).containsExactlyElementsOf(frames);
		}

		@ParameterizedTest(name = "random bytes #{index}")
		@MethodSource("io.zmqws.protocol.JsonProtocolCodecTests#randomBytes")
		void randomBytesRoundTrip(List<byte[]> frames) {
			assertThat(roundTrip(frames)).containsExactlyElementsOf(frames);
		}

		@ParameterizedTest(name = "random text #{index}")
		@MethodSource("io.zmqws.protocol.JsonProtocolCodecTests#randomText")
		void randomTextRoundTripsAsStrings(List<byte[]> frames) {
			JsonNode encoded = parse(
					JsonProtocolCodecTests.this.codec.encode(new ServerMessage.Reply(1, 1, frames)));
			for (JsonNode frame : encoded.get("frames")) {
				assertThat(frame.isString()).isTrue();
			}
			assertThat(roundTrip(frames)).containsExactlyElementsOf(frames);
		}

		@Test
		void subscribedTopicRoundTripsIntoSubscribe() {
			for (byte[] topic : List.of(utf8("quotes."), new byte[] { (byte) 0x80 }, new byte[0])) {
				ObjectNode json = (ObjectNode) parse(
						JsonProtocolCodecTests.this.codec.encode(new ServerMessage.Subscribed(2, topic)));
				json.put("op", "subscribe");
				ClientMessage.Subscribe subscribe = (ClientMessage.Subscribe) JsonProtocolCodecTests.this.codec
					.decode(mapper.writeValueAsBytes(json));
				assertThat(subscribe.topic()).isEqualTo(topic);
			}
		}

		private JsonNode encodeAsReplyFrame(byte[] frame) {
			byte[] encoded = JsonProtocolCodecTests.this.codec.encode(new ServerMessage.Reply(1, 1, List.of(frame)));
			return parse(encoded).get("frames").get(0);
		}

		/** Encodes the frames in a reply, then decodes them as the frames of a request. */
		private List<byte[]> roundTrip(List<byte[]> frames) {
			byte[] reply = JsonProtocolCodecTests.this.codec.encode(new ServerMessage.Reply(1, 2, frames));
			ObjectNode json = (ObjectNode) parse(reply);
			json.put("op", "request");
			ClientMessage.Request request = (ClientMessage.Request) JsonProtocolCodecTests.this.codec
				.decode(mapper.writeValueAsBytes(json));
			assertThat(request.sid()).isEqualTo(1);
			assertThat(request.id()).isEqualTo(2);
			return request.frames();
		}

	}

	@Nested
	class SharedFramesEncoding {

		private static final long[] SIDS = { 0, 1, 9, 10, 99, 12_345, Integer.MAX_VALUE, Long.MAX_VALUE };

		private static final long[] DROPPED = { 0, 1, 17, Long.MAX_VALUE };

		@Test
		void sharedFramesEncodeToTheSameBytesAsUnsharedForEverySidAndFrameKind() {
			List<List<byte[]>> messages = new ArrayList<>();
			Stream.concat(validUtf8(), invalidUtf8())
				.forEach((arguments) -> messages.add(List.of(utf8("topic"), (byte[]) arguments.get()[1])));
			randomBytes().forEach(messages::add);
			randomText().forEach(messages::add);
			messages.add(List.of(new byte[0]));
			for (List<byte[]> frames : messages) {
				SharedFrames shared = new SharedFrames(new ArrayList<>(frames));
				for (long sid : SIDS) {
					for (long dropped : DROPPED) {
						byte[] unshared = JsonProtocolCodecTests.this.codec
							.encode(new ServerMessage.Message(sid, new ArrayList<>(frames), dropped));
						byte[] spliced = JsonProtocolCodecTests.this.codec
							.encode(new ServerMessage.Message(sid, shared, dropped));
						assertThat(new String(spliced, StandardCharsets.UTF_8))
							.isEqualTo(new String(unshared, StandardCharsets.UTF_8));
						assertThat(spliced).isEqualTo(unshared);
					}
				}
			}
		}

		@Test
		void framesOfASharedMessageAreEncodedOnceForAllItsClients() {
			CountingList frames = new CountingList(List.of(utf8("quotes.EUR"), utf8("1.09")));
			SharedFrames shared = new SharedFrames(frames);
			JsonProtocolCodecTests.this.codec.encode(new ServerMessage.Message(100, shared, 0));
			int readsByTheFirst = frames.reads;
			for (long sid = 1; sid <= 100; sid++) {
				JsonNode json = parse(
						JsonProtocolCodecTests.this.codec.encode(new ServerMessage.Message(sid, shared, 0)));
				assertThat(json.get("sid").longValue()).isEqualTo(sid);
				assertThat(json.get("frames").get(1).stringValue()).isEqualTo("1.09");
			}
			assertThat(readsByTheFirst).isPositive();
			assertThat(frames.reads).as("frames read by the first encoding only").isEqualTo(readsByTheFirst);
		}

		@Test
		void aCodecWhoseMapperIndentsEncodesSharedFramesAsItsMapperWrites() {
			JsonProtocolCodec indenting = new JsonProtocolCodec(
					JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build());
			List<byte[]> frames = List.of(utf8("news"), new byte[] { (byte) 0xFF });
			byte[] unshared = indenting.encode(new ServerMessage.Message(3, frames, 2));
			byte[] shared = indenting.encode(new ServerMessage.Message(3, new SharedFrames(frames), 2));
			assertThat(new String(unshared, StandardCharsets.UTF_8)).contains("\n");
			assertThat(shared).isEqualTo(unshared);
		}

	}

	/** A list that counts the reads of its elements. */
	private static final class CountingList extends AbstractList<byte[]> {

		private final List<byte[]> frames;

		private int reads;

		CountingList(List<byte[]> frames) {
			this.frames = frames;
		}

		@Override
		public byte[] get(int index) {
			this.reads++;
			return this.frames.get(index);
		}

		@Override
		public int size() {
			return this.frames.size();
		}

	}

	static Stream<Arguments> validUtf8() {
		return Stream.of(Arguments.of("ascii", utf8("hello, world")), Arguments.of("empty", new byte[0]),
				Arguments.of("two-byte", utf8("caf\u00e9 \u00fc\u00df")),
				Arguments.of("three-byte", utf8("\u20ac \u4e2d\u6587")),
				Arguments.of("four-byte", utf8("\ud83d\ude00 \ud800\udf48")),
				Arguments.of("nul", new byte[] { 'a', 0, 'b', 0 }),
				Arguments.of("control characters", new byte[] { 1, 7, 8, 9, 10, 13, 27, 31, 127 }),
				Arguments.of("json syntax", utf8("{\"base64\":\"AA==\"} \\ \" /")),
				Arguments.of("byte order mark", new byte[] { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'x' }),
				Arguments.of("line separators", utf8("\u2028\u2029")),
				Arguments.of("largest code point", new byte[] { (byte) 0xF4, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF }),
				Arguments.of("noncharacter", new byte[] { (byte) 0xEF, (byte) 0xBF, (byte) 0xBF }));
	}

	static Stream<Arguments> invalidUtf8() {
		return Stream.of(Arguments.of("bad continuation", new byte[] { (byte) 0xC3, 0x28 }),
				Arguments.of("lone 0xFF", new byte[] { (byte) 0xFF }),
				Arguments.of("lone continuation byte", new byte[] { (byte) 0x80 }),
				Arguments.of("truncated three-byte", new byte[] { 'a', (byte) 0xE2, (byte) 0x82 }),
				Arguments.of("truncated four-byte", new byte[] { (byte) 0xF0, (byte) 0x9F, (byte) 0x98 }),
				Arguments.of("encoded high surrogate", new byte[] { (byte) 0xED, (byte) 0xA0, (byte) 0x80 }),
				Arguments.of("encoded low surrogate", new byte[] { (byte) 0xED, (byte) 0xB0, (byte) 0x80 }),
				Arguments.of("overlong nul", new byte[] { (byte) 0xC0, (byte) 0x80 }),
				Arguments.of("overlong slash", new byte[] { (byte) 0xE0, (byte) 0x80, (byte) 0xAF }),
				Arguments.of("beyond U+10FFFF", new byte[] { (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 }),
				Arguments.of("valid text then invalid byte", new byte[] { 'o', 'k', (byte) 0xFE }),
				Arguments.of("latin-1 text", "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1)));
	}

	static Stream<List<byte[]>> randomBytes() {
		Random random = new Random(20240611L);
		return IntStream.range(0, 300).mapToObj((i) -> {
			List<byte[]> frames = new ArrayList<>();
			int count = 1 + random.nextInt(3);
			for (int f = 0; f < count; f++) {
				byte[] frame = new byte[random.nextInt(64)];
				random.nextBytes(frame);
				frames.add(frame);
			}
			return frames;
		});
	}

	static Stream<List<byte[]>> randomText() {
		Random random = new Random(7L);
		return IntStream.range(0, 200).mapToObj((i) -> {
			StringBuilder text = new StringBuilder();
			int length = random.nextInt(32);
			while (text.length() < length) {
				int codePoint = random.nextInt(Character.MAX_CODE_POINT + 1);
				if (codePoint < Character.MIN_SURROGATE || codePoint > Character.MAX_SURROGATE) {
					text.appendCodePoint(codePoint);
				}
			}
			return List.of(utf8(text.toString()));
		});
	}

	private static void assertBase64(JsonNode frame, String base64) {
		assertThat(frame.isObject()).as("%s is a base64 object", frame).isTrue();
		assertThat(fieldNames(frame)).containsExactly("base64");
		assertThat(frame.get("base64").stringValue()).isEqualTo(base64);
	}

	private static List<String> fieldNames(JsonNode node) {
		return new ArrayList<>(node.propertyNames());
	}

	private static JsonNode parse(byte[] json) {
		return mapper.readTree(json);
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
