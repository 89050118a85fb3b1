package io.zmqws.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.IntegerValue;
import org.msgpack.value.Value;
import org.msgpack.value.ValueType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.BigIntegerNode;
import tools.jackson.databind.node.BinaryNode;
import tools.jackson.databind.node.DecimalNode;
import tools.jackson.databind.node.DoubleNode;
import tools.jackson.databind.node.FloatNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.LongNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.POJONode;
import tools.jackson.databind.node.StringNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link MessagePackProtocolCodec}: decoding every client operation and every
 * decode error, encoding every server message (read back with msgpack-core's own
 * unpacker), frames as {@code bin} byte for byte, batches, and equivalence with the JSON
 * encoding of the same messages.
 */
class MessagePackProtocolCodecTests {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private static final JsonNodeFactory nodes = JsonNodeFactory.instance;

	private final MessagePackProtocolCodec codec = new MessagePackProtocolCodec();

	@Test
	void subprotocolIsV1MsgpackInBinaryFrames() {
		assertThat(this.codec.subprotocol()).isEqualTo("zmqws.v1.msgpack");
		assertThat(this.codec.textFrames()).isFalse();
	}

	@Test
	void theExampleInTheProtocolDocumentIsExact() {
		byte[] request = HexFormat.of()
			.parseHex("84a26f70a772657175657374a373696401a269642aa66672616d657392c4026869c40200ff");
		assertThat(request).hasSize(37);
		ClientMessage.Request decoded = (ClientMessage.Request) this.codec.decode(request);
		assertThat(decoded.sid()).isEqualTo(1);
		assertThat(decoded.id()).isEqualTo(42);
		assertThat(decoded.frames()).containsExactly(utf8("hi"), new byte[] { 0, (byte) 0xFF });
		assertThat(HexFormat.of().formatHex(this.codec.encode(new ServerMessage.Reply(1, 42, List.of(utf8("hi"))))))
			.isEqualTo("84a26f70a57265706c79a373696401a269642aa66672616d657391c4026869");
	}

	@Nested
	class Batches {

		@Test
		void batchSplitsIntoMessagesBackToBack() {
			byte[] ping = pack(map("op", "ping"));
			byte[] close = pack(map("op", "close", "sid", 1));
			byte[] request = pack(map("op", "request", "sid", 2, "id", 3, "frames", List.of(bin(0xFF, 0), "x")));
			List<byte[]> messages = codec().split(concat(ping, close, request));
			assertThat(messages).containsExactly(ping, close, request);
			assertThat(codec().decode(messages.get(0))).isEqualTo(new ClientMessage.Ping(null));
			assertThat(codec().decode(messages.get(1))).isEqualTo(new ClientMessage.Close(1));
			assertThat(((ClientMessage.Request) codec().decode(messages.get(2))).frames())
				.containsExactly(new byte[] { (byte) 0xFF, 0 }, utf8("x"));
		}

		@Test
		void emptyBatchHoldsNoMessages() {
			assertThat(codec().split(new byte[0])).isEmpty();
		}

		@Test
		void valuesThatAreNoMessagesAreSplitAndRefusedOneByOne() {
			byte[] number = pack(42);
			byte[] ping = pack(map("op", "ping", "id", 1));
			List<byte[]> messages = codec().split(concat(number, ping));
			assertThat(messages).containsExactly(number, ping);
			assertThat(decodeError(messages.get(0)).getCode()).isEqualTo(ErrorCode.BAD_MESSAGE);
			assertThat(codec().decode(messages.get(1))).isEqualTo(new ClientMessage.Ping(1L));
		}

		@Test
		void batchWithLargeMessageAndEmptyFramesSplitsExactly() {
			byte[] large = pack(map("op", "push", "sid", 1, "frames", List.of(new byte[70_000], new byte[0])));
			byte[] ping = pack(map("op", "ping"));
			assertThat(codec().split(concat(large, ping, large))).containsExactly(large, ping, large);
		}

		@ParameterizedTest
		@ValueSource(ints = { 1, 2, 5, 10 })
		void truncatedBatchIsBadMessage(int missing) {
			byte[] batch = concat(pack(map("op", "ping")), pack(map("op", "close", "sid", 1)));
			assertBatchError(Arrays.copyOf(batch, batch.length - missing));
		}

		@Test
		void batchWithAByteThatStartsNoValueIsBadMessage() {
			assertBatchError(concat(pack(map("op", "ping")), new byte[] { (byte) 0xC1 }));
		}

		@Test
		void batchWhoseLengthClaimsMoreThanItHoldsIsBadMessage() {
			assertBatchError(new byte[] { (byte) 0xC6, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2 });
		}

		private void assertBatchError(byte[] batch) {
			assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> codec().split(batch))
				.satisfies((ex) -> assertThat(ex.getCode()).isEqualTo(ErrorCode.BAD_MESSAGE));
		}

	}

	@Nested
	class Decode {

		@Test
		void open() {
			ClientMessage message = decode(map("op", "open", "sid", 3, "endpoint", "echo"));
			assertThat(message).isEqualTo(new ClientMessage.Open(3, "echo"));
			assertThat(message.op()).isEqualTo("open");
		}

		@Test
		void openWithLargestSid() {
			assertThat(decode(map("op", "open", "sid", Long.MAX_VALUE, "endpoint", "e")))
				.isEqualTo(new ClientMessage.Open(Long.MAX_VALUE, "e"));
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.MessagePackProtocolCodecTests#integerFormatsOfSeven")
		void integersAreReadInEveryFormat(String format, byte[] seven) {
			assertThat(decode(map("op", "close", "sid", raw(seven)))).as(format).isEqualTo(new ClientMessage.Close(7));
		}

		@Test
		void close() {
			ClientMessage message = decode(map("op", "close", "sid", 0));
			assertThat(message).isEqualTo(new ClientMessage.Close(0));
			assertThat(message.op()).isEqualTo("close");
		}

		@Test
		void requestWithBinAndStrFramesWithoutTimeout() {
			ClientMessage.Request request = (ClientMessage.Request) decode(map("op", "request", "sid", 1, "id", 42,
					"frames", List.of("hello", bin(0, 0xFF), new byte[0], "", bin(0xC3, 0x28))));
			assertThat(request.op()).isEqualTo("request");
			assertThat(request.sid()).isEqualTo(1);
			assertThat(request.id()).isEqualTo(42);
			assertThat(request.timeoutMillis()).isZero();
			assertThat(request.frames()).containsExactly(utf8("hello"), new byte[] { 0, (byte) 0xFF }, new byte[0],
					new byte[0], new byte[] { (byte) 0xC3, 0x28 });
		}

		@Test
		void requestWithTimeout() {
			ClientMessage.Request request = (ClientMessage.Request) decode(
					map("op", "request", "sid", 2, "id", -5, "frames", List.of("x"), "timeout", 1500));
			assertThat(request.sid()).isEqualTo(2);
			assertThat(request.id()).isEqualTo(-5);
			assertThat(request.timeoutMillis()).isEqualTo(1500);
			assertThat(request.frames()).containsExactly(utf8("x"));
		}

		@Test
		void requestWithNilTimeoutUsesTheEndpointDefault() {
			ClientMessage.Request request = (ClientMessage.Request) decode(
					map("op", "request", "sid", 2, "id", 1, "frames", List.of("x"), "timeout", null));
			assertThat(request.timeoutMillis()).isZero();
		}

		@Test
		void subscribeWithStrTopic() {
			ClientMessage.Subscribe subscribe = (ClientMessage.Subscribe) decode(
					map("op", "subscribe", "sid", 4, "topic", "quotes.\u00e9"));
			assertThat(subscribe.op()).isEqualTo("subscribe");
			assertThat(subscribe.sid()).isEqualTo(4);
			assertThat(subscribe.topic()).isEqualTo(utf8("quotes.\u00e9"));
		}

		@Test
		void subscribeWithEmptyTopicSubscribesToEverything() {
			assertThat(((ClientMessage.Subscribe) decode(map("op", "subscribe", "sid", 4, "topic", new byte[0])))
				.topic()).isEmpty();
			assertThat(((ClientMessage.Subscribe) decode(map("op", "subscribe", "sid", 4, "topic", ""))).topic())
				.isEmpty();
		}

		@Test
		void subscribeWithBinTopic() {
			ClientMessage.Subscribe subscribe = (ClientMessage.Subscribe) decode(
					map("op", "subscribe", "sid", 4, "topic", bin(0x80, 0xFF)));
			assertThat(subscribe.topic()).containsExactly(0x80, 0xFF);
		}

		@Test
		void unsubscribeWithStrTopic() {
			ClientMessage.Unsubscribe unsubscribe = (ClientMessage.Unsubscribe) decode(
					map("op", "unsubscribe", "sid", 5, "topic", "news."));
			assertThat(unsubscribe.op()).isEqualTo("unsubscribe");
			assertThat(unsubscribe.sid()).isEqualTo(5);
			assertThat(unsubscribe.topic()).isEqualTo(utf8("news."));
		}

		@Test
		void unsubscribeWithBinTopic() {
			ClientMessage.Unsubscribe unsubscribe = (ClientMessage.Unsubscribe) decode(
					map("op", "unsubscribe", "sid", 5, "topic", bin(0xC3, 0x28)));
			assertThat(unsubscribe.topic()).containsExactly(0xC3, 0x28);
		}

		@Test
		void subscribePath() {
			ClientMessage message = decode(map("op", "subscribe", "path", "/orders/42"));
			assertThat(message).isEqualTo(new ClientMessage.SubscribePath("/orders/42"));
			assertThat(message.op()).isEqualTo("subscribe");
		}

		@Test
		void unsubscribePath() {
			ClientMessage message = decode(map("op", "unsubscribe", "path", "/"));
			assertThat(message).isEqualTo(new ClientMessage.UnsubscribePath("/"));
			assertThat(message.op()).isEqualTo("unsubscribe");
		}

		@Test
		void pushWithId() {
			ClientMessage.Push push = (ClientMessage.Push) decode(
					map("op", "push", "sid", 6, "id", 9, "frames", List.of("job", bin(1, 2, 3))));
			assertThat(push.op()).isEqualTo("push");
			assertThat(push.sid()).isEqualTo(6);
			assertThat(push.id()).isEqualTo(9L);
			assertThat(push.frames()).containsExactly(utf8("job"), new byte[] { 1, 2, 3 });
		}

		@Test
		void pushWithoutIdIsFireAndForget() {
			ClientMessage.Push push = (ClientMessage.Push) decode(map("op", "push", "sid", 6, "frames", List.of("job")));
			assertThat(push.id()).isNull();
			assertThat(push.frames()).containsExactly(utf8("job"));
		}

		@Test
		void pushWithNilIdIsFireAndForget() {
			ClientMessage.Push push = (ClientMessage.Push) decode(
					map("op", "push", "sid", 6, "id", null, "frames", List.of("job")));
			assertThat(push.id()).isNull();
		}

		@Test
		void pingWithId() {
			ClientMessage message = decode(map("op", "ping", "id", 77));
			assertThat(message).isEqualTo(new ClientMessage.Ping(77L));
			assertThat(message.op()).isEqualTo("ping");
		}

		@Test
		void pingWithoutId() {
			assertThat(decode(map("op", "ping"))).isEqualTo(new ClientMessage.Ping(null));
		}

		@Test
		void callWithArgsKwargsAndTimeout() {
			ClientMessage.Call call = (ClientMessage.Call) decode(map("op", "call", "id", 12, "method", "calc.add",
					"args", List.of(1, -2, 5_000_000_000L, new BigInteger("18446744073709551615"), 1.5, "x", true,
							Arrays.asList(null, List.of()), map("k", "v")),
					"kwargs", map("a", map("b", List.of(false)), "n", null), "timeout", 250));
			assertThat(call.op()).isEqualTo("call");
			assertThat(call.id()).isEqualTo(12);
			assertThat(call.method()).isEqualTo("calc.add");
			assertThat(call.timeoutMillis()).isEqualTo(250);
			assertThat(call.args()).isEqualTo(
					json("[1,-2,5000000000,18446744073709551615,1.5,\"x\",true,[null,[]],{\"k\":\"v\"}]"));
			assertThat(call.kwargs()).isEqualTo(json("{\"a\":{\"b\":[false]},\"n\":null}"));
		}

		@Test
		void callWithoutArgs() {
			ClientMessage.Call call = (ClientMessage.Call) decode(map("op", "call", "id", 1, "method", "svc.m"));
			assertThat(call).isEqualTo(new ClientMessage.Call(1, "svc.m", null, null, 0));
		}

		@Test
		void binInsideArgumentsIsTheBase64StringJsonWouldCarry() {
			ClientMessage.Call call = (ClientMessage.Call) decode(
					map("op", "call", "id", 1, "method", "svc.m", "args", List.of(bin(0, 0xFF), map("b", new byte[0]))));
			assertThat(call.args()).isEqualTo(json("[\"AP8=\",{\"b\":\"\"}]"));
		}

		@Test
		void float32AndFloat64AreDoubles() {
			ClientMessage.Call call = (ClientMessage.Call) decode(
					map("op", "call", "id", 1, "method", "svc.m", "args", List.of(0.5f, 0.25, -0.0, 2.0)));
			assertThat(call.args()).isEqualTo(json("[0.5,0.25,-0.0,2.0]"));
			assertThat(call.args().get(0)).isInstanceOf(DoubleNode.class);
		}

		@Test
		void cancel() {
			ClientMessage message = decode(map("op", "cancel", "id", 12));
			assertThat(message).isEqualTo(new ClientMessage.Cancel(12));
			assertThat(message.op()).isEqualTo("cancel");
		}

		@Test
		void methods() {
			ClientMessage message = decode(map("op", "methods"));
			assertThat(message).isEqualTo(new ClientMessage.Methods());
			assertThat(message.op()).isEqualTo("methods");
		}

		@Test
		void auth() {
			ClientMessage message = decode(map("op", "auth", "token", "eyJ.x.y"));
			assertThat(message).isEqualTo(new ClientMessage.Auth("eyJ.x.y"));
			assertThat(message.op()).isEqualTo("auth");
		}

		@Test
		void register() {
			ClientMessage message = decode(map("op", "register", "name", "confirm"));
			assertThat(message).isEqualTo(new ClientMessage.Register("confirm"));
			assertThat(message.op()).isEqualTo("register");
		}

		@Test
		void unregister() {
			ClientMessage message = decode(map("op", "unregister", "name", "confirm"));
			assertThat(message).isEqualTo(new ClientMessage.Unregister("confirm"));
			assertThat(message.op()).isEqualTo("unregister");
		}

		@Test
		void returnWithValue() {
			ClientMessage message = decode(map("op", "return", "cid", 3, "value", map("ok", true)));
			assertThat(message).isEqualTo(new ClientMessage.Return(3, json("{\"ok\":true}"), null));
			assertThat(message.op()).isEqualTo("return");
		}

		@Test
		void returnWithoutValueReturnsNull() {
			assertThat(decode(map("op", "return", "cid", 3)))
				.isEqualTo(new ClientMessage.Return(3, NullNode.getInstance(), null));
		}

		@Test
		void returnWithBinValueReturnsItsBase64String() {
			assertThat(decode(map("op", "return", "cid", 3, "value", bin(0xFF))))
				.isEqualTo(new ClientMessage.Return(3, StringNode.valueOf("/w=="), null));
		}

		@Test
		void returnWithErrorString() {
			assertThat(decode(map("op", "return", "cid", 3, "error", "boom", "value", 1)))
				.isEqualTo(new ClientMessage.Return(3, null, "boom"));
		}

		@Test
		void returnWithErrorThatIsNotAStringCarriesItsJson() {
			assertThat(decode(map("op", "return", "cid", 3, "error", map("reason", List.of(1, "x")))))
				.isEqualTo(new ClientMessage.Return(3, null, "{\"reason\":[1,\"x\"]}"));
		}

		@Test
		void unknownFieldsAreIgnored() {
			assertThat(decode(map("op", "close", "sid", 1, "extra", map("nested", List.of(1, bin(2), 1.5)), "more",
					new byte[3])))
				.isEqualTo(new ClientMessage.Close(1));
		}

		@Test
		void fieldOrderDoesNotMatter() {
			assertThat(decode(map("endpoint", "echo", "sid", 3, "op", "open")))
				.isEqualTo(new ClientMessage.Open(3, "echo"));
		}

		@Test
		void aFieldGivenTwiceMeansItsLastValueAsInJson() {
			byte[] message = pack(map("op", "open", "sid", 1, "endpoint", "a", raw(pack("sid")), 2));
			assertThat(codec().decode(message)).isEqualTo(new ClientMessage.Open(2, "a"));
			assertThat(new JsonProtocolCodec().decode(utf8("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"a\",\"sid\":2}")))
				.isEqualTo(new ClientMessage.Open(2, "a"));
		}

	}

	@Nested
	class DecodeErrors {

		@Test
		void emptyIsBadMessage() {
			assertError(new byte[0], ErrorCode.BAD_MESSAGE, null, null, null);
		}

		@ParameterizedTest
		@ValueSource(ints = { 1, 2, 4, 9 })
		void truncatedIsBadMessage(int missing) {
			byte[] message = pack(map("op", "request", "sid", 1, "id", 2, "frames", List.of("abc", bin(1, 2))));
			assertError(Arrays.copyOf(message, message.length - missing), ErrorCode.BAD_MESSAGE, null, null, null);
		}

		@Test
		void trailingValueIsBadMessage() {
			assertError(concat(pack(map("op", "ping")), pack(map("op", "ping"))), ErrorCode.BAD_MESSAGE, null, null,
					null);
			assertError(concat(pack(map("op", "ping")), new byte[] { 0 }), ErrorCode.BAD_MESSAGE, null, null, null);
		}

		@Test
		void neverUsedFormatIsBadMessage() {
			assertError(new byte[] { (byte) 0xC1 }, ErrorCode.BAD_MESSAGE, null, null, null);
			assertError(pack(map("op", "ping", "x", raw(new byte[] { (byte) 0xC1 }))), ErrorCode.BAD_MESSAGE, null,
					null, null);
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.MessagePackProtocolCodecTests#lengthsBeyondTheMessage")
		void lengthsClaimingMoreThanTheMessageHoldsAreBadMessageWithoutAllocatingThem(String name, byte[] value) {
			assertError(pack(map("op", "ping", "x", raw(value))), ErrorCode.BAD_MESSAGE, null, null, null);
			assertError(pack(map("op", "request", "sid", 1, "id", 1, "frames", List.of(raw(value)))),
					ErrorCode.BAD_MESSAGE, null, null, null);
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.MessagePackProtocolCodecTests#valuesOtherThanAMap")
		void valueOtherThanAMapIsBadMessage(String name, Object value) {
			assertError(pack(value), ErrorCode.BAD_MESSAGE, null, null, null);
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.MessagePackProtocolCodecTests#keysOtherThanStr")
		void mapKeyOtherThanStrIsBadMessage(String name, Object key) {
			Map<Object, Object> message = map("op", "ping");
			message.put(key, 1);
			assertError(pack(message), ErrorCode.BAD_MESSAGE, null, null, null);
			Map<Object, Object> nested = map("a", 1);
			nested.put(key, 2);
			assertError(pack(map("op", "call", "id", 1, "method", "m", "kwargs", nested)), ErrorCode.BAD_MESSAGE, null,
					null, null);
		}

		@Test
		void invalidUtf8InAStrIsBadMessage() {
			Object invalid = str(0xC3, 0x28);
			assertError(pack(map("op", invalid)), ErrorCode.BAD_MESSAGE, null, null, null);
			assertError(pack(map("op", "ping", invalid, 1)), ErrorCode.BAD_MESSAGE, null, null, null);
			assertError(pack(map("op", "call", "id", 1, "method", "m", "args", List.of(invalid))),
					ErrorCode.BAD_MESSAGE, null, null, null);
			assertError(pack(map("op", "request", "sid", 1, "id", 1, "frames", List.of(invalid))),
					ErrorCode.BAD_MESSAGE, null, null, null);
			assertError(pack(map("op", "subscribe", "sid", 1, "topic", invalid)), ErrorCode.BAD_MESSAGE, null, null,
					null);
		}

		@Test
		void extensionTypesAreBadMessage() {
			byte[] timestamp = { (byte) 0xD6, (byte) 0xFF, 0, 0, 0, 1 };
			byte[] fixext1 = { (byte) 0xD4, 5, 9 };
			for (byte[] ext : List.of(timestamp, fixext1)) {
				assertError(pack(map("op", "call", "id", 1, "method", "m", "args", List.of(raw(ext)))),
						ErrorCode.BAD_MESSAGE, null, null, null);
				assertError(pack(map("op", raw(ext))), ErrorCode.BAD_MESSAGE, null, null, null);
			}
		}

		@Test
		void nestingIsLimitedAsJacksonLimitsJson() {
			int limit = MessagePackInput.MAX_DEPTH;
			// the message's map is the first level, so limit - 1 arrays inside it reach the limit
			assertThat(decodesNested(codec(), limit - 1)).isTrue();
			assertThat(decodesNested(new JsonProtocolCodec(), limit - 1)).isTrue();
			assertThat(decodesNested(codec(), limit)).isFalse();
			assertThat(decodesNested(new JsonProtocolCodec(), limit)).isFalse();
			assertThat(decodesNested(codec(), 1_000_000)).as("far deeper, refused before the stack runs out").isFalse();
		}

		/** Whether a call whose args are {@code arrays} arrays nested in each other decodes. */
		private boolean decodesNested(ProtocolCodec codec, int arrays) {
			byte[] bytes;
			if (codec instanceof JsonProtocolCodec) {
				bytes = utf8("{\"op\":\"call\",\"id\":1,\"method\":\"m\",\"args\":" + "[".repeat(arrays)
						+ "]".repeat(arrays) + "}");
			}
			else {
				byte[] header = pack(map("op", "call", "id", 1, "method", "m", "args", raw(new byte[0])));
				byte[] nested = new byte[arrays];
				Arrays.fill(nested, 0, arrays - 1, (byte) 0x91);
				nested[arrays - 1] = (byte) 0x90;
				bytes = concat(header, nested);
			}
			try {
				return codec.decode(bytes) instanceof ClientMessage.Call;
			}
			catch (ProtocolException ex) {
				assertThat(ex.getCode()).isEqualTo(ErrorCode.BAD_MESSAGE);
				return false;
			}
		}

		@Test
		void missingOp() {
			assertError(map("sid", 1), ErrorCode.MISSING_FIELD, null, null, null);
		}

		@Test
		void nilOp() {
			assertError(map("op", null, "sid", 1), ErrorCode.MISSING_FIELD, null, null, null);
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.MessagePackProtocolCodecTests#valuesOtherThanStr")
		void opThatIsNotAStr(String name, Object op) {
			assertError(map("op", op, "sid", 1), ErrorCode.INVALID_FIELD, null, null, null);
		}

		@ParameterizedTest
		@ValueSource(strings = { "fly", "", "OPEN", "reply" })
		void unknownOp(String op) {
			assertError(map("op", op, "sid", 1), ErrorCode.UNKNOWN_OP, null, null, null);
		}

		@Test
		void unknownOpMessageIsAbbreviated() {
			ProtocolException ex = decodeError(pack(map("op", "x".repeat(100))));
			assertThat(ex.getCode()).isEqualTo(ErrorCode.UNKNOWN_OP);
			assertThat(ex.getMessage()).contains("x".repeat(40) + "...").doesNotContain("x".repeat(41));
		}

		@ParameterizedTest
		@ValueSource(strings = { "open", "close", "request", "subscribe", "unsubscribe", "push" })
		void missingSid(String op) {
			assertError(map("op", op), ErrorCode.MISSING_FIELD, op, null, null);
		}

		@ParameterizedTest
		@ValueSource(strings = { "open", "close", "request", "subscribe", "unsubscribe", "push" })
		void nilSid(String op) {
			assertError(map("op", op, "sid", null), ErrorCode.MISSING_FIELD, op, null, null);
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.MessagePackProtocolCodecTests#valuesOtherThanALong")
		void sidThatIsNotALong(String name, Object sid) {
			assertError(map("op", "close", "sid", sid), ErrorCode.INVALID_FIELD, "close", null, null);
		}

		@Test
		void negativeSid() {
			assertError(map("op", "close", "sid", -1), ErrorCode.INVALID_FIELD, "close", null, null);
		}

		@Test
		void openWithoutEndpoint() {
			assertError(map("op", "open", "sid", 1), ErrorCode.MISSING_FIELD, "open", 1L, null);
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.MessagePackProtocolCodecTests#valuesOtherThanStr")
		void openWithEndpointThatIsNotAStr(String name, Object endpoint) {
			assertError(map("op", "open", "sid", 1, "endpoint", endpoint), ErrorCode.INVALID_FIELD, "open", 1L, null);
		}

		@Test
		void requestWithoutId() {
			assertError(map("op", "request", "sid", 1, "frames", List.of("x")), ErrorCode.MISSING_FIELD, "request", 1L,
					null);
		}

		@Test
		void requestWithIdThatIsNotALong() {
			assertError(map("op", "request", "sid", 1, "id", "7", "frames", List.of("x")), ErrorCode.INVALID_FIELD,
					"request", 1L, null);
		}

		@Test
		void requestWithoutFrames() {
			assertError(map("op", "request", "sid", 1, "id", 7), ErrorCode.MISSING_FIELD, "request", 1L, 7L);
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.MessagePackProtocolCodecTests#framesOtherThanANonEmptyArray")
		void requestWithFramesThatAreNotANonEmptyArray(String name, Object frames) {
			assertError(map("op", "request", "sid", 1, "id", 7, "frames", frames), ErrorCode.INVALID_FIELD, "request",
					1L, 7L);
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.MessagePackProtocolCodecTests#valuesOtherThanAFrame")
		void requestWithAFrameThatIsNeitherBinNorStr(String name, Object frame) {
			assertError(map("op", "request", "sid", 1, "id", 7, "frames", Arrays.asList("ok", frame)),
					ErrorCode.INVALID_FIELD, "request", 1L, 7L);
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.MessagePackProtocolCodecTests#timeoutsThatAreNotPositive")
		void requestWithTimeoutThatIsNotAPositiveLong(String name, Object timeout) {
			assertError(map("op", "request", "sid", 1, "id", 7, "frames", List.of("x"), "timeout", timeout),
					ErrorCode.INVALID_FIELD, "request", 1L, 7L);
		}

		@ParameterizedTest
		@ValueSource(strings = { "subscribe", "unsubscribe" })
		void topicMissing(String op) {
			assertError(map("op", op, "sid", 2), ErrorCode.MISSING_FIELD, op, 2L, null);
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.MessagePackProtocolCodecTests#valuesOtherThanAFrame")
		void topicThatIsNeitherBinNorStr(String name, Object topic) {
			if (topic != null) {
				assertError(map("op", "subscribe", "sid", 2, "topic", topic), ErrorCode.INVALID_FIELD, "subscribe", 2L,
						null);
				assertError(map("op", "unsubscribe", "sid", 2, "topic", topic), ErrorCode.INVALID_FIELD, "unsubscribe",
						2L, null);
			}
		}

		@ParameterizedTest
		@ValueSource(strings = { "subscribe", "unsubscribe" })
		void pathAndSidTogether(String op) {
			assertError(map("op", op, "sid", 2, "path", "/a"), ErrorCode.INVALID_FIELD, op, null, null);
		}

		@ParameterizedTest
		@ValueSource(strings = { "a", "//", "/a//b", "/a/" })
		void invalidPath(String path) {
			assertError(map("op", "subscribe", "path", path), ErrorCode.INVALID_FIELD, "subscribe", null, null);
		}

		@Test
		void pathThatIsNotAStr() {
			assertError(map("op", "subscribe", "path", bin('/')), ErrorCode.INVALID_FIELD, "subscribe", null, null);
		}

		@Test
		void pushWithIdThatIsNotALong() {
			assertError(map("op", "push", "sid", 3, "id", "a", "frames", List.of("x")), ErrorCode.INVALID_FIELD, "push",
					3L, null);
		}

		@Test
		void pushWithoutFramesCarriesItsId() {
			assertError(map("op", "push", "sid", 3, "id", 8), ErrorCode.MISSING_FIELD, "push", 3L, 8L);
		}

		@Test
		void pushWithoutIdAndInvalidFrames() {
			assertError(map("op", "push", "sid", 3, "frames", List.of()), ErrorCode.INVALID_FIELD, "push", 3L, null);
		}

		@Test
		void pingWithIdThatIsNotALong() {
			assertError(map("op", "ping", "id", "x"), ErrorCode.INVALID_FIELD, "ping", null, null);
		}

		@Test
		void callWithoutIdOrMethod() {
			assertError(map("op", "call", "method", "m"), ErrorCode.MISSING_FIELD, "call", null, null);
			assertError(map("op", "call", "id", 4), ErrorCode.MISSING_FIELD, "call", null, 4L);
		}

		@Test
		void callWithArgsThatAreNotAnArrayOrKwargsThatAreNotAMap() {
			assertError(map("op", "call", "id", 4, "method", "m", "args", map("a", 1)), ErrorCode.INVALID_FIELD, "call",
					null, 4L);
			assertError(map("op", "call", "id", 4, "method", "m", "args", bin(1)), ErrorCode.INVALID_FIELD, "call",
					null, 4L);
			assertError(map("op", "call", "id", 4, "method", "m", "kwargs", List.of(1)), ErrorCode.INVALID_FIELD,
					"call", null, 4L);
			assertError(map("op", "call", "id", 4, "method", "m", "timeout", 0), ErrorCode.INVALID_FIELD, "call", null,
					4L);
		}

		@ParameterizedTest
		@ValueSource(strings = { "cancel", "auth", "register", "unregister", "return" })
		void requiredFieldMissing(String op) {
			assertError(map("op", op), ErrorCode.MISSING_FIELD, op, null, null);
		}

		@Test
		void tokenThatIsBinIsNoString() {
			assertError(map("op", "auth", "token", bin('t')), ErrorCode.INVALID_FIELD, "auth", null, null);
		}

		@Test
		void errorCarriesItsContextIntoTheErrorMessage() {
			ProtocolException ex = decodeError(pack(map("op", "request", "sid", 4, "id", 9, "frames", List.of())));
			ServerMessage.Error error = ex.toError();
			assertThat(error.code()).isEqualTo(ErrorCode.INVALID_FIELD.code());
			assertThat(error.message()).isEqualTo(ex.getMessage()).contains("frames");
			assertThat(error.failedOp()).isEqualTo("request");
			assertThat(error.sid()).isEqualTo(4L);
			assertThat(error.id()).isEqualTo(9L);
		}

		private void assertError(Map<Object, Object> message, ErrorCode code, String op, Long sid, Long id) {
			assertError(pack(message), code, op, sid, id);
		}

		private void assertError(byte[] bytes, ErrorCode code, String op, Long sid, Long id) {
			String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64));
			ProtocolException ex = decodeError(bytes);
			assertThat(ex.getCode()).as("code of %s", hex).isEqualTo(code);
			assertThat(ex.getOp()).as("op of %s", hex).isEqualTo(op);
			assertThat(ex.getSid()).as("sid of %s", hex).isEqualTo(sid);
			assertThat(ex.getId()).as("id of %s", hex).isEqualTo(id);
			assertThat(ex.getMessage()).isNotBlank();
		}

	}

	@Nested
	class Encode {

		@Test
		void welcome() {
			Map<String, Value> message = encode(new ServerMessage.Welcome("zmqws.v1.msgpack", "s-1", null,
					"websocket", "2", new ServerMessage.Limits(1_048_576, 16, 256, 1000, null)));
			assertThat(message).containsOnlyKeys("op", "protocol", "session", "transport", "http", "limits");
			assertStr(message, "op", "welcome");
			assertStr(message, "transport", "websocket");
			assertStr(message, "http", "2");
			assertStr(message, "protocol", "zmqws.v1.msgpack");
			assertStr(message, "session", "s-1");
			Map<String, Value> limits = fields(message.get("limits"));
			assertThat(limits).containsOnlyKeys("maxMessageSize", "maxSockets", "maxSubscriptions",
					"maxPendingRequests");
			assertInt(limits, "maxMessageSize", 1_048_576);
			assertInt(limits, "maxSockets", 16);
			assertInt(limits, "maxSubscriptions", 256);
			assertInt(limits, "maxPendingRequests", 1000);
			Map<String, Value> withUser = encode(new ServerMessage.Welcome("zmqws.v1.msgpack", "s-2", "alice",
					"sse", "1.1", new ServerMessage.Limits(1, 1, 1, 1, 65_536L)));
			assertThat(withUser).containsOnlyKeys("op", "protocol", "session", "user", "transport", "http", "limits");
			assertStr(withUser, "user", "alice");
			assertStr(withUser, "transport", "sse");
			assertInt(fields(withUser.get("limits")), "maxBatchSize", 65_536);
		}

		@Test
		void opened() {
			Map<String, Value> message = encode(new ServerMessage.Opened(3, "echo", "REQ"));
			assertThat(message).containsOnlyKeys("op", "sid", "endpoint", "type");
			assertStr(message, "op", "opened");
			assertInt(message, "sid", 3);
			assertStr(message, "endpoint", "echo");
			assertStr(message, "type", "REQ");
		}

		@Test
		void closed() {
			Map<String, Value> message = encode(new ServerMessage.Closed(Long.MAX_VALUE));
			assertThat(message).containsOnlyKeys("op", "sid");
			assertStr(message, "op", "closed");
			assertInt(message, "sid", Long.MAX_VALUE);
		}

		@Test
		void replyFramesAreBinByteForByte() {
			Map<String, Value> message = encode(new ServerMessage.Reply(1, -2,
					List.of(utf8("text"), new byte[] { (byte) 0xFF }, new byte[0])));
			assertThat(message).containsOnlyKeys("op", "sid", "id", "frames");
			assertStr(message, "op", "reply");
			assertInt(message, "sid", 1);
			assertInt(message, "id", -2);
			assertThat(frames(message.get("frames"))).containsExactly(utf8("text"), new byte[] { (byte) 0xFF },
					new byte[0]);
		}

		@Test
		void messageWithoutDropsHasNoDroppedField() {
			Map<String, Value> message = encode(
					new ServerMessage.Message(4, List.of(utf8("quotes.EUR"), utf8("1.09")), 0));
			assertThat(message).containsOnlyKeys("op", "sid", "frames");
			assertStr(message, "op", "message");
			assertInt(message, "sid", 4);
			assertThat(frames(message.get("frames"))).containsExactly(utf8("quotes.EUR"), utf8("1.09"));
		}

		@Test
		void messageAfterDropsCarriesTheCount() {
			Map<String, Value> message = encode(new ServerMessage.Message(4, List.of(utf8("t")), 17));
			assertThat(message).containsOnlyKeys("op", "sid", "frames", "dropped");
			assertInt(message, "dropped", 17);
		}

		@Test
		void subscribedTopicIsBin() {
			Map<String, Value> message = encode(new ServerMessage.Subscribed(5, utf8("news.")));
			assertThat(message).containsOnlyKeys("op", "sid", "topic");
			assertStr(message, "op", "subscribed");
			assertInt(message, "sid", 5);
			assertBin(message.get("topic"), utf8("news."));
			assertBin(encode(new ServerMessage.Subscribed(5, new byte[] { (byte) 0x80 })).get("topic"),
					new byte[] { (byte) 0x80 });
		}

		@Test
		void unsubscribedTopicIsBin() {
			Map<String, Value> message = encode(new ServerMessage.Unsubscribed(6, new byte[0]));
			assertThat(message).containsOnlyKeys("op", "sid", "topic");
			assertStr(message, "op", "unsubscribed");
			assertInt(message, "sid", 6);
			assertBin(message.get("topic"), new byte[0]);
		}

		@Test
		void pushed() {
			Map<String, Value> message = encode(new ServerMessage.Pushed(7, 8));
			assertThat(message).containsOnlyKeys("op", "sid", "id");
			assertStr(message, "op", "pushed");
			assertInt(message, "sid", 7);
			assertInt(message, "id", 8);
		}

		@Test
		void pongWithAndWithoutId() {
			Map<String, Value> message = encode(new ServerMessage.Pong(99L));
			assertThat(message).containsOnlyKeys("op", "id");
			assertStr(message, "op", "pong");
			assertInt(message, "id", 99);
			assertThat(encode(new ServerMessage.Pong(null))).containsOnlyKeys("op");
		}

		@Test
		void errorWithContext() {
			Map<String, Value> message = encode(
					new ServerMessage.Error(ErrorCode.TIMEOUT, "No reply within 5000 ms", 2L, 3L, "request"));
			assertThat(message).containsOnlyKeys("op", "code", "message", "failedOp", "sid", "id");
			assertStr(message, "op", "error");
			assertStr(message, "code", "timeout");
			assertStr(message, "message", "No reply within 5000 ms");
			assertStr(message, "failedOp", "request");
			assertInt(message, "sid", 2);
			assertInt(message, "id", 3);
		}

		@Test
		void errorWithoutContext() {
			Map<String, Value> message = encode(new ServerMessage.Error(ErrorCode.BAD_MESSAGE, "m", null, null, null));
			assertThat(message).containsOnlyKeys("op", "code", "message");
			assertThat(encode(new ServerMessage.Error(ErrorCode.UNKNOWN_SOCKET, "m", 9L, null, "close")))
				.containsOnlyKeys("op", "code", "message", "failedOp", "sid");
			assertThat(encode(new ServerMessage.Error(ErrorCode.UNKNOWN_CALL, "m", null, 9L, "cancel")))
				.containsOnlyKeys("op", "code", "message", "failedOp", "id");
		}

		@Test
		void everyErrorCodeIsWrittenInItsWireForm() {
			for (ErrorCode code : ErrorCode.values()) {
				assertStr(encode(new ServerMessage.Error(code, "m", null, null, null)), "code", code.code());
			}
		}

		@Test
		void resultItemAndEventCarryTheirValueAsMessagePack() {
			JsonNode value = json("{\"n\":1,\"big\":5000000000,\"f\":1.5,\"s\":\"\u00e9\",\"t\":true,\"z\":null,"
					+ "\"a\":[[],{}]}");
			Map<String, Value> result = encode(new ServerMessage.Result(3, value));
			assertThat(result).containsOnlyKeys("op", "id", "value");
			assertStr(result, "op", "result");
			assertInt(result, "id", 3);
			assertThat(tree(result.get("value"))).isEqualTo(value);
			Map<String, Value> valueFields = fields(result.get("value"));
			assertThat(valueFields.get("n").getValueType()).isEqualTo(ValueType.INTEGER);
			assertThat(valueFields.get("f").getValueType()).isEqualTo(ValueType.FLOAT);
			assertThat(valueFields.get("z").getValueType()).isEqualTo(ValueType.NIL);
			Map<String, Value> item = encode(new ServerMessage.Item(4, StringNode.valueOf("x")));
			assertThat(item).containsOnlyKeys("op", "id", "value");
			assertStr(item, "op", "item");
			assertStr(item, "value", "x");
			Map<String, Value> event = encode(new ServerMessage.Event("/a/b", NullNode.getInstance()));
			assertThat(event).containsOnlyKeys("op", "path", "data");
			assertStr(event, "op", "event");
			assertStr(event, "path", "/a/b");
			assertThat(event.get("data").isNilValue()).isTrue();
		}

		@Test
		void numbersOfEveryKindAreWrittenAsJsonShowsThem() {
			ArrayNode numbers = nodes.arrayNode()
				.add(BigIntegerNode.valueOf(new BigInteger("18446744073709551615")))
				.add(BigIntegerNode.valueOf(BigInteger.valueOf(-3)))
				.add(FloatNode.valueOf(0.1f))
				.add(DecimalNode.valueOf(new BigDecimal("2.50")))
				.add(DecimalNode.valueOf(new BigDecimal("12")))
				.add(LongNode.valueOf(Long.MIN_VALUE));
			Value value = encode(new ServerMessage.Result(1, numbers)).get("value");
			List<Value> list = value.asArrayValue().list();
			assertThat(list.get(0).asIntegerValue().asBigInteger()).isEqualTo(new BigInteger("18446744073709551615"));
			assertThat(list.get(1).asIntegerValue().asLong()).isEqualTo(-3);
			assertThat(list.get(2).asFloatValue().toDouble()).isEqualTo(0.1);
			assertThat(list.get(3).asFloatValue().toDouble()).isEqualTo(2.5);
			assertThat(list.get(4).asIntegerValue().asLong()).isEqualTo(12);
			assertThat(list.get(5).asIntegerValue().asLong()).isEqualTo(Long.MIN_VALUE);
			assertThat(tree(value)).isEqualTo(json(new String(new JsonProtocolCodec().encode(
					new ServerMessage.Result(1, numbers)), StandardCharsets.UTF_8)).get("value"));
		}

		@Test
		void binaryAndPojoNodesAreWrittenAsJsonShowsThem() {
			ArrayNode values = nodes.arrayNode()
				.add(BinaryNode.valueOf(new byte[] { 0, (byte) 0xFF }))
				.add(new POJONode(new byte[] { 1 }))
				.add(new POJONode(Map.of("k", List.of(1, 2))))
				.add(new POJONode(null));
			Value value = encode(new ServerMessage.Item(1, values)).get("value");
			assertThat(tree(value)).isEqualTo(json("[\"AP8=\",\"AQ==\",{\"k\":[1,2]},null]"));
		}

		@Test
		void done() {
			Map<String, Value> message = encode(new ServerMessage.Done(12));
			assertThat(message).containsOnlyKeys("op", "id");
			assertStr(message, "op", "done");
			assertInt(message, "id", 12);
		}

		@Test
		void methodList() {
			Map<String, Value> message = encode(new ServerMessage.MethodList(
					List.of(new ServerMessage.MethodInfo("calc.add", List.of("a", "b"), false),
							new ServerMessage.MethodInfo("feed.ticks", List.of(), true))));
			assertThat(message).containsOnlyKeys("op", "methods");
			assertStr(message, "op", "methods");
			List<Value> methods = message.get("methods").asArrayValue().list();
			assertThat(methods).hasSize(2);
			Map<String, Value> add = fields(methods.get(0));
			assertThat(add).containsOnlyKeys("name", "params", "streaming");
			assertStr(add, "name", "calc.add");
			assertThat(tree(add.get("params"))).isEqualTo(json("[\"a\",\"b\"]"));
			assertThat(add.get("streaming").asBooleanValue().getBoolean()).isFalse();
			assertThat(fields(methods.get(1)).get("streaming").asBooleanValue().getBoolean()).isTrue();
			assertThat(fields(methods.get(1)).get("params").asArrayValue().size()).isZero();
		}

		@Test
		void registeredAndUnregistered() {
			Map<String, Value> registered = encode(new ServerMessage.Registered("confirm"));
			assertThat(registered).containsOnlyKeys("op", "name");
			assertStr(registered, "op", "registered");
			assertStr(registered, "name", "confirm");
			Map<String, Value> unregistered = encode(new ServerMessage.Unregistered("confirm"));
			assertThat(unregistered).containsOnlyKeys("op", "name");
			assertStr(unregistered, "op", "unregistered");
			assertStr(unregistered, "name", "confirm");
		}

		@Test
		void invokeWithAndWithoutCid() {
			Map<String, Value> oneWay = encode(new ServerMessage.Invoke(null, "notify", List.of(json("{\"a\":1}"))));
			assertThat(oneWay).containsOnlyKeys("op", "function", "args");
			assertStr(oneWay, "op", "invoke");
			assertStr(oneWay, "function", "notify");
			assertThat(tree(oneWay.get("args"))).isEqualTo(json("[{\"a\":1}]"));
			Map<String, Value> call = encode(new ServerMessage.Invoke(5L, "confirm", List.of()));
			assertThat(call).containsOnlyKeys("op", "cid", "function", "args");
			assertInt(call, "cid", 5);
			assertThat(call.get("args").asArrayValue().size()).isZero();
		}

		@Test
		void pathSubscribedAndUnsubscribed() {
			Map<String, Value> subscribed = encode(new ServerMessage.PathSubscribed("/orders"));
			assertThat(subscribed).containsOnlyKeys("op", "path");
			assertStr(subscribed, "op", "subscribed");
			assertStr(subscribed, "path", "/orders");
			Map<String, Value> unsubscribed = encode(new ServerMessage.PathUnsubscribed("/orders"));
			assertThat(unsubscribed).containsOnlyKeys("op", "path");
			assertStr(unsubscribed, "op", "unsubscribed");
		}

		@Test
		void authenticatedWithAndWithoutExpiry() {
			Map<String, Value> expiring = encode(new ServerMessage.Authenticated("bob", 1_767_225_600L));
			assertThat(expiring).containsOnlyKeys("op", "user", "expiresAt");
			assertStr(expiring, "op", "authenticated");
			assertStr(expiring, "user", "bob");
			assertInt(expiring, "expiresAt", 1_767_225_600L);
			assertThat(encode(new ServerMessage.Authenticated("bob", null))).containsOnlyKeys("op", "user");
		}

		@Test
		void largeMessagesAndSmallOnesAfterThemEncodeWhole() {
			byte[] large = new byte[300_000];
			new Random(3).nextBytes(large);
			assertThat(frames(encode(new ServerMessage.Reply(1, 1, List.of(large, large))).get("frames")))
				.containsExactly(large, large);
			assertThat(frames(encode(new ServerMessage.Reply(1, 1, List.of(utf8("small")))).get("frames")))
				.containsExactly(utf8("small"));
		}

		@Test
		void encodingFromManyThreadsAtOnceGivesEachMessageItsOwnBytes() throws Exception {
			List<ServerMessage> messages = IntStream.range(0, 400)
				.mapToObj((i) -> (ServerMessage) new ServerMessage.Reply(i, i, List.of(new byte[i * 37 % 3000])))
				.toList();
			List<byte[]> expected = messages.stream().map(codec()::encode).toList();
			ExecutorService executor = Executors.newFixedThreadPool(8);
			try {
				List<Future<byte[]>> encoded = new ArrayList<>();
				for (int round = 0; round < 5; round++) {
					for (ServerMessage message : messages) {
						encoded.add(executor.submit(() -> codec().encode(message)));
					}
				}
				for (int i = 0; i < encoded.size(); i++) {
					assertThat(encoded.get(i).get()).isEqualTo(expected.get(i % messages.size()));
				}
			}
			finally {
				executor.shutdownNow();
			}
		}

		private Map<String, Value> encode(ServerMessage message) {
			return fields(readOne(codec().encode(message)));
		}

	}

	@Nested
	class Frames {

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.JsonProtocolCodecTests#validUtf8")
		void validUtf8TravelsAsBinAndComesBackUnchanged(String name, byte[] frame) {
			assertThat(roundTrip(List.of(frame))).as(name).containsExactly(frame);
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.JsonProtocolCodecTests#invalidUtf8")
		void invalidUtf8TravelsAsBinAndComesBackUnchanged(String name, byte[] frame) {
			assertThat(roundTrip(List.of(frame))).as(name).containsExactly(frame);
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.JsonProtocolCodecTests#validUtf8")
		void validUtf8IsAcceptedAsStr(String name, byte[] frame) {
			ClientMessage.Push push = (ClientMessage.Push) decode(
					map("op", "push", "sid", 1, "frames", List.of(str(frame), bin(frame))));
			assertThat(push.frames()).as(name).containsExactly(frame, frame);
		}

		@ParameterizedTest
		@MethodSource("io.zmqws.protocol.JsonProtocolCodecTests#invalidUtf8")
		void invalidUtf8IsRefusedAsStr(String name, byte[] frame) {
			assertThat(decodeError(pack(map("op", "push", "sid", 1, "frames", List.of(str(frame))))).getCode())
				.as(name)
				.isEqualTo(ErrorCode.BAD_MESSAGE);
		}

		@ParameterizedTest(name = "random bytes #{index}")
		@MethodSource("io.zmqws.protocol.JsonProtocolCodecTests#randomBytes")
		void randomBytesRoundTrip(List<byte[]> frames) {
			assertThat(roundTrip(frames)).containsExactlyElementsOf(frames);
		}

		@Test
		void framesOfAllSizesKeepTheirFormatBoundaries() {
			for (int size : new int[] { 0, 1, 31, 32, 255, 256, 65_535, 65_536 }) {
				byte[] frame = new byte[size];
				Arrays.fill(frame, (byte) 0xAB);
				assertThat(roundTrip(List.of(frame, frame))).as("size %d", size).containsExactly(frame, frame);
			}
		}

		@Test
		void subscribedTopicRoundTripsIntoSubscribe() {
			for (byte[] topic : List.of(utf8("quotes."), new byte[] { (byte) 0x80 }, new byte[0])) {
				Map<Object, Object> message = decodedMap(codec().encode(new ServerMessage.Subscribed(2, topic)));
				message.put("op", "subscribe");
				assertThat(((ClientMessage.Subscribe) decode(message)).topic()).isEqualTo(topic);
			}
		}

		/** Encodes the frames in a reply, checks they are bin, and decodes them as the frames of a request. */
		private List<byte[]> roundTrip(List<byte[]> frames) {
			byte[] reply = codec().encode(new ServerMessage.Reply(1, 2, frames));
			Map<Object, Object> message = decodedMap(reply);
			assertThat(frames((Value) message.get("frames"))).containsExactlyElementsOf(frames);
			message.put("op", "request");
			ClientMessage.Request request = (ClientMessage.Request) decode(message);
			assertThat(request.sid()).isEqualTo(1);
			assertThat(request.id()).isEqualTo(2);
			return request.frames();
		}

		/** The message's map as msgpack-core reads it, keyed by its str keys, ready to pack again. */
		private Map<Object, Object> decodedMap(byte[] bytes) {
			Map<Object, Object> message = new LinkedHashMap<>();
			fields(readOne(bytes)).forEach(message::put);
			return message;
		}

	}

	@Nested
	class EquivalenceWithJson {

		private final JsonProtocolCodec json = new JsonProtocolCodec();

		@ParameterizedTest(name = "random message #{index}")
		@MethodSource("io.zmqws.protocol.MessagePackProtocolCodecTests#randomMessages")
		void bothEncodingsOfAMessageDecodeAlike(Map<Object, Object> message) {
			byte[] jsonBytes = mapper.writeValueAsBytes(toJson(message));
			byte[] msgpackBytes = pack(message);
			Object fromJson = decodeOrError(this.json, jsonBytes);
			Object fromMsgpack = decodeOrError(codec(), msgpackBytes);
			assertThat(fromMsgpack).as("%s", new String(jsonBytes, StandardCharsets.UTF_8)).isEqualTo(fromJson);
		}

		@ParameterizedTest(name = "random value #{index}")
		@MethodSource("io.zmqws.protocol.MessagePackProtocolCodecTests#randomValues")
		void encodedValuesMatchTheirJsonEncoding(Object value) {
			JsonNode tree = toJson(value);
			ServerMessage message = new ServerMessage.Event("/random", tree);
			JsonNode fromJson = mapper.readTree(this.json.encode(message)).get("data");
			JsonNode fromMsgpack = tree(fields(readOne(codec().encode(message))).get("data"));
			assertThat(fromMsgpack).isEqualTo(fromJson);
		}

		/** A decoded message as comparable values, or the error's code and context. */
		private Object decodeOrError(ProtocolCodec codec, byte[] bytes) {
			try {
				return comparable(codec.decode(bytes));
			}
			catch (ProtocolException ex) {
				return List.of(ex.getCode(), String.valueOf(ex.getOp()), String.valueOf(ex.getSid()),
						String.valueOf(ex.getId()));
			}
		}

		/** The record's type and components, with byte arrays as hex so that equal bytes compare equal. */
		private Object comparable(ClientMessage message) {
			List<Object> values = new ArrayList<>();
			values.add(message.getClass().getSimpleName());
			for (RecordComponent component : message.getClass().getRecordComponents()) {
				try {
					values.add(comparableValue(component.getAccessor().invoke(message)));
				}
				catch (ReflectiveOperationException ex) {
					throw new IllegalStateException(ex);
				}
			}
			return values;
		}

		private Object comparableValue(Object value) {
			if (value instanceof byte[] bytes) {
				return HexFormat.of().formatHex(bytes);
			}
			if (value instanceof List<?> list) {
				return list.stream().map(this::comparableValue).toList();
			}
			return value;
		}

	}

	// Random messages: the same message as Java values, rendered as JSON and as MessagePack

	/** A ZeroMQ frame: JSON carries it as a string or a base64 object, MessagePack as bin or (when it is text) str. */
	record Frame(byte[] bytes, boolean asStr) {

		@Override
		public String toString() {
			return (this.asStr ? "str:" : "bin:") + HexFormat.of().formatHex(this.bytes);
		}

	}

	/** Bytes inside a free JSON value: a base64 string in JSON, bin in MessagePack. */
	record Bin(byte[] bytes) {

		@Override
		public String toString() {
			return "bin:" + HexFormat.of().formatHex(this.bytes);
		}

	}

	/** A str whose payload bytes are given as they are, valid UTF-8 or not. */
	record Str(byte[] bytes) {
	}

	/** Bytes written into a MessagePack message as they are, to build any format by hand. */
	record Raw(byte[] bytes) {
	}

	static Stream<Map<Object, Object>> randomMessages() {
		Random random = new Random(20250611L);
		return IntStream.range(0, 600).mapToObj((i) -> randomMessage(random));
	}

	static Stream<Object> randomValues() {
		Random random = new Random(99L);
		return IntStream.range(0, 300).mapToObj((i) -> randomValue(random, 0));
	}

	private static Map<Object, Object> randomMessage(Random random) {
		String[] ops = { "open", "close", "request", "subscribe", "unsubscribe", "push", "ping", "call", "cancel",
				"methods", "auth", "register", "unregister", "return" };
		String op = ops[random.nextInt(ops.length)];
		Map<Object, Object> message = new LinkedHashMap<>();
		message.put("op", op);
		switch (op) {
			case "open" -> {
				message.put("sid", randomLong(random));
				message.put("endpoint", randomText(random));
			}
			case "close" -> message.put("sid", randomLong(random));
			case "request", "push" -> {
				message.put("sid", randomLong(random));
				message.put("id", randomLong(random));
				List<Object> frames = new ArrayList<>();
				for (int i = random.nextInt(4); i >= 0; i--) {
					frames.add(randomFrame(random));
				}
				message.put("frames", frames);
				if (random.nextBoolean()) {
					message.put("timeout", randomLong(random));
				}
			}
			case "subscribe", "unsubscribe" -> {
				if (random.nextInt(3) == 0) {
					message.put("path", random.nextBoolean() ? "/a/b" + random.nextInt(9) : randomText(random));
				}
				else {
					message.put("sid", randomLong(random));
					message.put("topic", randomFrame(random));
				}
			}
			case "ping", "cancel" -> message.put("id", randomLong(random));
			case "call" -> {
				message.put("id", randomLong(random));
				message.put("method", "svc." + randomText(random));
				if (random.nextBoolean()) {
					message.put("args", randomArray(random, 1));
				}
				if (random.nextBoolean()) {
					message.put("kwargs", randomMap(random, 1));
				}
				if (random.nextBoolean()) {
					message.put("timeout", randomLong(random));
				}
			}
			case "auth" -> message.put("token", randomText(random));
			case "register", "unregister" -> message.put("name", randomText(random));
			case "return" -> {
				message.put("cid", randomLong(random));
				message.put(random.nextInt(3) == 0 ? "error" : "value", randomValue(random, 1));
			}
			default -> {
			}
		}
		if (random.nextInt(4) == 0) {
			message.put("extra" + random.nextInt(3), randomValue(random, 1));
		}
		if (random.nextInt(3) == 0) {
			spoil(random, message);
		}
		return message;
	}

	/** Drops a field or gives it a value of another kind, so that errors are compared too. */
	private static void spoil(Random random, Map<Object, Object> message) {
		List<Object> names = new ArrayList<>(message.keySet());
		Object name = names.get(random.nextInt(names.size()));
		switch (random.nextInt(3)) {
			case 0 -> message.remove(name);
			case 1 -> message.put(name, null);
			default -> message.put(name, randomScalar(random, false));
		}
	}

	private static Object randomValue(Random random, int depth) {
		int kind = random.nextInt((depth < 4) ? 9 : 7);
		return switch (kind) {
			case 7 -> randomArray(random, depth + 1);
			case 8 -> randomMap(random, depth + 1);
			default -> randomScalar(random, true);
		};
	}

	/** A scalar; {@link Bin} only when asked, as only free values hold it. */
	private static Object randomScalar(Random random, boolean withBin) {
		return switch (random.nextInt(withBin ? 7 : 6)) {
			case 0 -> null;
			case 1 -> random.nextBoolean();
			case 2 -> randomLong(random);
			case 3 -> (random.nextBoolean() ? random.nextDouble() * 1000 - 500
					: (double) random.nextInt(100)) * (random.nextBoolean() ? 1 : 1e-20);
			case 4 -> new BigInteger(64, random).setBit(63);
			case 5 -> randomText(random);
			default -> {
				byte[] bytes = new byte[random.nextInt(6)];
				random.nextBytes(bytes);
				yield new Bin(bytes);
			}
		};
	}

	private static List<Object> randomArray(Random random, int depth) {
		List<Object> array = new ArrayList<>();
		for (int i = random.nextInt(4); i > 0; i--) {
			array.add(randomValue(random, depth));
		}
		return array;
	}

	private static Map<Object, Object> randomMap(Random random, int depth) {
		Map<Object, Object> map = new LinkedHashMap<>();
		for (int i = random.nextInt(4); i > 0; i--) {
			map.put(randomText(random), randomValue(random, depth));
		}
		return map;
	}

	/** Mostly small integers, also negative ones, beyond 32 bits and at the ends of 64 bits. */
	private static long randomLong(Random random) {
		return switch (random.nextInt(6)) {
			case 0 -> -random.nextInt(1000);
			case 1 -> random.nextLong();
			case 2 -> random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
			case 3 -> 4_000_000_000L + random.nextInt(1000);
			default -> random.nextInt(300);
		};
	}

	private static Frame randomFrame(Random random) {
		if (random.nextBoolean()) {
			String text = randomText(random);
			return new Frame(utf8(text), random.nextBoolean());
		}
		byte[] bytes = new byte[random.nextInt(12)];
		random.nextBytes(bytes);
		return new Frame(bytes, false);
	}

	private static String randomText(Random random) {
		StringBuilder text = new StringBuilder();
		int length = random.nextInt(8);
		while (text.length() < length) {
			int codePoint = (random.nextInt(4) == 0) ? random.nextInt(Character.MAX_CODE_POINT + 1)
					: 'a' + random.nextInt(26);
			if (codePoint < Character.MIN_SURROGATE || codePoint > Character.MAX_SURROGATE) {
				text.appendCodePoint(codePoint);
			}
		}
		return text.toString();
	}

	/** The JSON encoding of a message or value given as Java values. */
	private static JsonNode toJson(Object value) {
		if (value == null) {
			return NullNode.getInstance();
		}
		if (value instanceof Map<?, ?> map) {
			ObjectNode object = nodes.objectNode();
			map.forEach((name, element) -> object.set((String) name, toJson(element)));
			return object;
		}
		if (value instanceof List<?> list) {
			ArrayNode array = nodes.arrayNode();
			list.forEach((element) -> array.add(toJson(element)));
			return array;
		}
		if (value instanceof Frame frame) {
			String text = FrameText.asText(frame.bytes());
			return (text != null) ? StringNode.valueOf(text)
					: nodes.objectNode().put("base64", Base64.getEncoder().encodeToString(frame.bytes()));
		}
		if (value instanceof Bin bin) {
			return StringNode.valueOf(Base64.getEncoder().encodeToString(bin.bytes()));
		}
		if (value instanceof String text) {
			return StringNode.valueOf(text);
		}
		if (value instanceof Boolean bool) {
			return nodes.booleanNode(bool);
		}
		if (value instanceof Long number) {
			return nodes.numberNode(number);
		}
		if (value instanceof BigInteger number) {
			return nodes.numberNode(number);
		}
		if (value instanceof Double number) {
			return nodes.numberNode(number);
		}
		throw new IllegalArgumentException("No JSON for " + value);
	}

	// Building MessagePack messages with msgpack-core, independently of the codec

	static byte[] pack(Object value) {
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			pack(packer, value);
			return packer.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void pack(MessageBufferPacker packer, Object value) throws IOException {
		if (value == null) {
			packer.packNil();
		}
		else if (value instanceof Map<?, ?> map) {
			packer.packMapHeader(map.size());
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				pack(packer, entry.getKey());
				pack(packer, entry.getValue());
			}
		}
		else if (value instanceof List<?> list) {
			packer.packArrayHeader(list.size());
			for (Object element : list) {
				pack(packer, element);
			}
		}
		else if (value instanceof String text) {
			packer.packString(text);
		}
		else if (value instanceof byte[] bytes) {
			packer.packBinaryHeader(bytes.length).writePayload(bytes);
		}
		else if (value instanceof Bin bin) {
			packer.packBinaryHeader(bin.bytes().length).writePayload(bin.bytes());
		}
		else if (value instanceof Frame frame) {
			if (frame.asStr()) {
				packer.packRawStringHeader(frame.bytes().length).writePayload(frame.bytes());
			}
			else {
				packer.packBinaryHeader(frame.bytes().length).writePayload(frame.bytes());
			}
		}
		else if (value instanceof Str str) {
			packer.packRawStringHeader(str.bytes().length).writePayload(str.bytes());
		}
		else if (value instanceof Raw raw) {
			packer.writePayload(raw.bytes());
		}
		else if (value instanceof Value packed) {
			packer.packValue(packed);
		}
		else if (value instanceof Boolean bool) {
			packer.packBoolean(bool);
		}
		else if (value instanceof Integer number) {
			packer.packInt(number);
		}
		else if (value instanceof Long number) {
			packer.packLong(number);
		}
		else if (value instanceof BigInteger number) {
			packer.packBigInteger(number);
		}
		else if (value instanceof Float number) {
			packer.packFloat(number);
		}
		else if (value instanceof Double number) {
			packer.packDouble(number);
		}
		else {
			throw new IllegalArgumentException("Cannot pack " + value);
		}
	}

	/** A map of the given keys and values, in order. */
	static Map<Object, Object> map(Object... keysAndValues) {
		Map<Object, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put(keysAndValues[i], keysAndValues[i + 1]);
		}
		return map;
	}

	static Bin bin(int... bytes) {
		byte[] array = new byte[bytes.length];
		for (int i = 0; i < bytes.length; i++) {
			array[i] = (byte) bytes[i];
		}
		return new Bin(array);
	}

	static Bin bin(byte[] bytes) {
		return new Bin(bytes);
	}

	static Str str(int... bytes) {
		return new Str(bin(bytes).bytes());
	}

	static Str str(byte[] bytes) {
		return new Str(bytes);
	}

	static Raw raw(byte[] bytes) {
		return new Raw(bytes);
	}

	// Reading what the codec wrote with msgpack-core

	/** The only value in the bytes. */
	private static Value readOne(byte[] bytes) {
		try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes)) {
			Value value = unpacker.unpackValue();
			assertThat(unpacker.hasNext()).as("bytes after the first value").isFalse();
			return value;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A map's entries by their keys, which must all be str. */
	private static Map<String, Value> fields(Value value) {
		assertThat(value.getValueType()).isEqualTo(ValueType.MAP);
		Map<String, Value> fields = new LinkedHashMap<>();
		Value[] keysAndValues = value.asMapValue().getKeyValueArray();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			assertThat(keysAndValues[i].getValueType()).as("key %s", keysAndValues[i]).isEqualTo(ValueType.STRING);
			fields.put(keysAndValues[i].asStringValue().asString(), keysAndValues[i + 1]);
		}
		assertThat(fields).as("keys are unique").hasSize(keysAndValues.length / 2);
		return fields;
	}

	/** The bytes of an array of bin values. */
	private static List<byte[]> frames(Value value) {
		assertThat(value.getValueType()).isEqualTo(ValueType.ARRAY);
		List<byte[]> frames = new ArrayList<>();
		for (Value frame : value.asArrayValue()) {
			assertThat(frame.getValueType()).as("frame %s", frame).isEqualTo(ValueType.BINARY);
			frames.add(frame.asBinaryValue().asByteArray());
		}
		return frames;
	}

	/** The JSON value a MessagePack value holding no bin stands for, as Jackson would read it. */
	private static JsonNode tree(Value value) {
		return switch (value.getValueType()) {
			case NIL -> NullNode.getInstance();
			case BOOLEAN -> nodes.booleanNode(value.asBooleanValue().getBoolean());
			case INTEGER -> integer(value.asIntegerValue());
			case FLOAT -> nodes.numberNode(value.asFloatValue().toDouble());
			case STRING -> StringNode.valueOf(value.asStringValue().asString());
			case ARRAY -> {
				ArrayNode array = nodes.arrayNode();
				value.asArrayValue().forEach((element) -> array.add(tree(element)));
				yield array;
			}
			case MAP -> {
				ObjectNode object = nodes.objectNode();
				fields(value).forEach((name, element) -> object.set(name, tree(element)));
				yield object;
			}
			default -> throw new AssertionError("No JSON value for " + value);
		};
	}

	/** An integer as the node Jackson reads from the same JSON number. */
	private static JsonNode integer(IntegerValue value) {
		if (value.isInIntRange()) {
			return nodes.numberNode(value.asInt());
		}
		return value.isInLongRange() ? nodes.numberNode(value.asLong()) : nodes.numberNode(value.asBigInteger());
	}

	private static void assertStr(Map<String, Value> fields, String name, String expected) {
		assertThat(fields.get(name).getValueType()).as(name).isEqualTo(ValueType.STRING);
		assertThat(fields.get(name).asStringValue().asString()).as(name).isEqualTo(expected);
	}

	private static void assertInt(Map<String, Value> fields, String name, long expected) {
		assertThat(fields.get(name).getValueType()).as(name).isEqualTo(ValueType.INTEGER);
		assertThat(fields.get(name).asIntegerValue().asLong()).as(name).isEqualTo(expected);
	}

	private static void assertBin(Value value, byte[] expected) {
		assertThat(value.getValueType()).isEqualTo(ValueType.BINARY);
		assertThat(value.asBinaryValue().asByteArray()).isEqualTo(expected);
	}

	// Sources of values for parameterized tests

	static Stream<Arguments> integerFormatsOfSeven() {
		return Stream.of(Arguments.of("positive fixint", new byte[] { 7 }),
				Arguments.of("uint8", new byte[] { (byte) 0xCC, 7 }),
				Arguments.of("uint16", new byte[] { (byte) 0xCD, 0, 7 }),
				Arguments.of("uint32", new byte[] { (byte) 0xCE, 0, 0, 0, 7 }),
				Arguments.of("uint64", new byte[] { (byte) 0xCF, 0, 0, 0, 0, 0, 0, 0, 7 }),
				Arguments.of("int8", new byte[] { (byte) 0xD0, 7 }),
				Arguments.of("int16", new byte[] { (byte) 0xD1, 0, 7 }),
				Arguments.of("int32", new byte[] { (byte) 0xD2, 0, 0, 0, 7 }),
				Arguments.of("int64", new byte[] { (byte) 0xD3, 0, 0, 0, 0, 0, 0, 0, 7 }));
	}

	static Stream<Arguments> lengthsBeyondTheMessage() {
		return Stream.of(Arguments.of("str32", new byte[] { (byte) 0xDB, 0x7F, (byte) 0xFF, (byte) 0xFF, 0, 'a' }),
				Arguments.of("str8", new byte[] { (byte) 0xD9, 10, 'a' }),
				Arguments.of("bin32", new byte[] { (byte) 0xC6, 0x7F, (byte) 0xFF, (byte) 0xFF, 0, 1 }),
				Arguments.of("bin32 beyond int", new byte[] { (byte) 0xC6, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
						(byte) 0xFF, 1 }),
				Arguments.of("array32", new byte[] { (byte) 0xDD, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1 }),
				Arguments.of("map32", new byte[] { (byte) 0xDF, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2 }),
				Arguments.of("fixarray", new byte[] { (byte) 0x93, 1 }));
	}

	static Stream<Arguments> valuesOtherThanAMap() {
		return Stream.of(Arguments.of("array", List.of(map("op", "ping"))), Arguments.of("str", "ping"),
				Arguments.of("int", 42), Arguments.of("bool", true), Arguments.of("nil", null),
				Arguments.of("bin", bin(1)), Arguments.of("float", 1.5));
	}

	static Stream<Arguments> keysOtherThanStr() {
		return Stream.of(Arguments.of("int", 1), Arguments.of("bin", bin('o', 'p')), Arguments.of("nil", null),
				Arguments.of("bool", true), Arguments.of("array", List.of("op")), Arguments.of("float", 1.0));
	}

	static Stream<Arguments> valuesOtherThanStr() {
		return Stream.of(Arguments.of("int", 1), Arguments.of("bool", true), Arguments.of("array", List.of("open")),
				Arguments.of("map", map("name", "open")), Arguments.of("bin", bin('o', 'p', 'e', 'n')),
				Arguments.of("float", 1.5));
	}

	static Stream<Arguments> valuesOtherThanALong() {
		return Stream.of(Arguments.of("str", "1"), Arguments.of("float", 1.5), Arguments.of("integral float", 1.0),
				Arguments.of("float32", 1.0f), Arguments.of("bool", true), Arguments.of("array", List.of(1)),
				Arguments.of("map", map()), Arguments.of("bin", bin(1)),
				Arguments.of("uint64 beyond long", new BigInteger("9223372036854775808")));
	}

	static Stream<Arguments> framesOtherThanANonEmptyArray() {
		return Stream.of(Arguments.of("empty array", List.of()), Arguments.of("str", "x"),
				Arguments.of("bin", bin(1)), Arguments.of("int", 5), Arguments.of("map", map("base64", "AA==")));
	}

	static Stream<Arguments> valuesOtherThanAFrame() {
		return Stream.of(Arguments.of("int", 1), Arguments.of("nil", null), Arguments.of("bool", true),
				Arguments.of("array", List.of("x")), Arguments.of("empty map", map()), Arguments.of("float", 1.5),
				Arguments.of("JSON's base64 object", map("base64", "AA==")));
	}

	static Stream<Arguments> timeoutsThatAreNotPositive() {
		return Stream.of(Arguments.of("zero", 0), Arguments.of("negative", -1), Arguments.of("float", 1.5),
				Arguments.of("str", "100"), Arguments.of("bool", true));
	}

	// Helpers

	private MessagePackProtocolCodec codec() {
		return this.codec;
	}

	private ClientMessage decode(Map<Object, Object> message) {
		return this.codec.decode(pack(message));
	}

	private ProtocolException decodeError(byte[] bytes) {
		return assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> this.codec.decode(bytes)).actual();
	}

	private static JsonNode json(String json) {
		return mapper.readTree(json);
	}

	private static byte[] concat(byte[]... parts) {
		int length = 0;
		for (byte[] part : parts) {
			length += part.length;
		}
		byte[] all = new byte[length];
		int offset = 0;
		for (byte[] part : parts) {
			System.arraycopy(part, 0, all, offset, part.length);
			offset += part.length;
		}
		return all;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Nested
	class SharedFramesEncoding {

		@Test
		void sharedFramesEncodeToTheSameBytesAsUnsharedForEverySidAndFrameKind() {
			Random random = new Random(8441);
			List<List<byte[]>> messages = new ArrayList<>();
			messages.add(List.of(new byte[0]));
			messages.add(List.of("topic".getBytes(StandardCharsets.UTF_8), new byte[] { 0, (byte) 0xC3, 0x28 }));
			for (int i = 0; i < 50; i++) {
				List<byte[]> frames = new ArrayList<>();
				for (int f = random.nextInt(5); f >= 0; f--) {
					byte[] frame = new byte[random.nextInt(300)];
					random.nextBytes(frame);
					frames.add(frame);
				}
				messages.add(frames);
			}
			long[] sids = { 0, 1, 127, 128, 65_536, Integer.MAX_VALUE, Long.MAX_VALUE };
			long[] dropped = { 0, 1, 255, Long.MAX_VALUE };
			for (List<byte[]> frames : messages) {
				SharedFrames shared = new SharedFrames(new ArrayList<>(frames));
				for (long sid : sids) {
					for (long lost : dropped) {
						byte[] unshared = MessagePackProtocolCodecTests.this.codec
							.encode(new ServerMessage.Message(sid, new ArrayList<>(frames), lost));
						byte[] spliced = MessagePackProtocolCodecTests.this.codec
							.encode(new ServerMessage.Message(sid, shared, lost));
						assertThat(spliced).isEqualTo(unshared);
					}
				}
			}
		}

	}

}
