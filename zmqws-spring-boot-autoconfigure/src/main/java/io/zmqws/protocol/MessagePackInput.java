package io.zmqws.protocol;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;

import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.BigIntegerNode;
import tools.jackson.databind.node.BinaryNode;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.DoubleNode;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.LongNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Reads the MessagePack values of one message from a byte array as the JSON values they
 * stand for (Jackson trees): nil, bool, int, float, str, array and map with str keys. A
 * {@code bin} is a base64 string, except where a frame is read. Not thread-safe: one per
 * message.
 * <p>
 * What has no JSON equivalent (non-str map keys, extension types, str that is not UTF-8)
 * and values nested deeper than Jackson's default limit are refused with
 * {@link ErrorCode#BAD_MESSAGE}. Lengths are checked against the bytes left before
 * anything is allocated for them. Malformed or truncated input surfaces as the
 * {@link IOException} or {@link org.msgpack.core.MessagePackException} of msgpack-core,
 * for the caller to report.
 */
final class MessagePackInput {

	/** The nesting Jackson allows in JSON by default; the top-level map is level 1. */
	static final int MAX_DEPTH = StreamReadConstraints.DEFAULT_MAX_DEPTH;

	private static final JsonNodeFactory nodes = JsonNodeFactory.instance;

	private final byte[] bytes;

	private final MessageUnpacker unpacker;

	MessagePackInput(byte[] bytes) {
		this.bytes = bytes;
		this.unpacker = MessagePack.newDefaultUnpacker(bytes);
	}

	boolean hasNext() throws IOException {
		return this.unpacker.hasNext();
	}

	ValueType nextType() throws IOException {
		return this.unpacker.getNextFormat().getValueType();
	}

	/** Reads a map header: the number of entries that follow. */
	int mapHeader() throws IOException {
		int size = this.unpacker.unpackMapHeader();
		requireRemaining(2L * size);
		return size;
	}

	/** Reads a map key, which must be a str. */
	String key() throws IOException {
		if (nextType() != ValueType.STRING) {
			throw bad("Map keys must be strings");
		}
		return text(this.unpacker.unpackRawStringHeader());
	}

	/** Reads a field of the top-level map that holds a free JSON value, where a {@code bin} is a base64 string. */
	JsonNode value() throws IOException {
		return value(1);
	}

	/**
	 * Reads a field of the top-level map that holds neither a free value nor a frame: a
	 * {@code bin} there stands for no JSON value and is kept as a {@link BinaryNode}, for
	 * the field's type check to refuse.
	 */
	JsonNode field() throws IOException {
		if (nextType() == ValueType.BINARY) {
			return BinaryNode.valueOf(payload(this.unpacker.unpackBinaryHeader()));
		}
		return value(1);
	}

	/** Reads a field that holds a frame: a {@code bin} or a str becomes a {@link BinaryNode} of its bytes. */
	JsonNode frame() throws IOException {
		return frame(1);
	}

	/** Reads a field that holds an array of frames, each read as by {@link #frame()}. */
	JsonNode frames() throws IOException {
		if (nextType() != ValueType.ARRAY) {
			return frame(1);
		}
		int size = arrayHeader(2);
		ArrayNode frames = nodes.arrayNode(size);
		for (int i = 0; i < size; i++) {
			frames.add(frame(2));
		}
		return frames;
	}

	private JsonNode frame(int depth) throws IOException {
		ValueType type = nextType();
		if (type == ValueType.BINARY) {
			return BinaryNode.valueOf(payload(this.unpacker.unpackBinaryHeader()));
		}
		if (type == ValueType.STRING) {
			int length = this.unpacker.unpackRawStringHeader();
			requireRemaining(length);
			if (!FrameText.isText(this.bytes, position(), length)) {
				throw bad("Strings must be valid UTF-8");
			}
			return BinaryNode.valueOf(payload(length));
		}
		return value(depth);
	}

	private JsonNode value(int depth) throws IOException {
		MessageFormat format = this.unpacker.getNextFormat();
		return switch (format.getValueType()) {
			case NIL -> {
				this.unpacker.unpackNil();
				yield NullNode.getInstance();
			}
			case BOOLEAN -> BooleanNode.valueOf(this.unpacker.unpackBoolean());
			case INTEGER -> integer(format);
			case FLOAT -> DoubleNode.valueOf(this.unpacker.unpackDouble());
			case STRING -> StringNode.valueOf(text(this.unpacker.unpackRawStringHeader()));
			case BINARY -> StringNode
				.valueOf(Base64.getEncoder().encodeToString(payload(this.unpacker.unpackBinaryHeader())));
			case ARRAY -> array(depth + 1);
			case MAP -> object(depth + 1);
			case EXTENSION -> throw bad("MessagePack extension types are not supported");
		};
	}

	/** An integer as the node Jackson makes of the same JSON number: int, long or big integer. */
	private JsonNode integer(MessageFormat format) throws IOException {
		if (format == MessageFormat.UINT64) {
			BigInteger value = this.unpacker.unpackBigInteger();
			return (value.bitLength() < Long.SIZE) ? integer(value.longValue()) : BigIntegerNode.valueOf(value);
		}
		return integer(this.unpacker.unpackLong());
	}

	private static JsonNode integer(long value) {
		return (value == (int) value) ? IntNode.valueOf((int) value) : LongNode.valueOf(value);
	}

	private ArrayNode array(int depth) throws IOException {
		int size = arrayHeader(depth);
		ArrayNode array = nodes.arrayNode(size);
		for (int i = 0; i < size; i++) {
			array.add(value(depth));
		}
		return array;
	}

	private ObjectNode object(int depth) throws IOException {
		requireDepth(depth);
		int size = mapHeader();
		ObjectNode object = nodes.objectNode();
		for (int i = 0; i < size; i++) {
			String name = key();
			object.set(name, value(depth));
		}
		return object;
	}

	private int arrayHeader(int depth) throws IOException {
		requireDepth(depth);
		int size = this.unpacker.unpackArrayHeader();
		requireRemaining(size);
		return size;
	}

	/** The str payload of {@code length} bytes, which must be valid UTF-8. */
	private String text(int length) throws IOException {
		requireRemaining(length);
		String text = FrameText.asText(this.bytes, position(), length);
		if (text == null) {
			throw bad("Strings must be valid UTF-8");
		}
		skip(length);
		return text;
	}

	/** A copy of the next {@code length} payload bytes. */
	private byte[] payload(int length) throws IOException {
		requireRemaining(length);
		int start = position();
		byte[] payload = Arrays.copyOfRange(this.bytes, start, start + length);
		skip(length);
		return payload;
	}

	private void skip(int length) throws IOException {
		this.unpacker.readPayloadAsReference(length);
	}

	private int position() {
		return (int) this.unpacker.getTotalReadBytes();
	}

	/** Refuses a length that claims more bytes (one at least per element) than are left. */
	private void requireRemaining(long length) {
		if (length > this.bytes.length - position()) {
			throw bad("Message is truncated");
		}
	}

	private static void requireDepth(int depth) {
		if (depth > MAX_DEPTH) {
			throw bad("Message nests deeper than " + MAX_DEPTH + " levels");
		}
	}

	static ProtocolException bad(String message) {
		return new ProtocolException(ErrorCode.BAD_MESSAGE, message);
	}

}
