package io.zmqws.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.Value;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * MessagePack for tests, with msgpack-core only (not the gateway's codec): packs
 * messages from maps and reads received ones as JSON trees, {@code bin} becoming
 * {@code {"bin": "<base64>"}} so that tests can tell it from a string.
 */
public final class Msgpack {

	private Msgpack() {
	}

	/** Packs a map of strings, numbers, booleans, {@code byte[]} (as bin), lists and maps. */
	public static byte[] pack(Map<String, ?> message) {
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			write(packer, message);
			return packer.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void write(MessageBufferPacker packer, Object value) throws IOException {
		if (value == null) {
			packer.packNil();
		}
		else if (value instanceof String text) {
			packer.packString(text);
		}
		else if (value instanceof byte[] bytes) {
			packer.packBinaryHeader(bytes.length).writePayload(bytes);
		}
		else if (value instanceof Boolean bool) {
			packer.packBoolean(bool);
		}
		else if (value instanceof Double number) {
			packer.packDouble(number);
		}
		else if (value instanceof Number number) {
			packer.packLong(number.longValue());
		}
		else if (value instanceof List<?> list) {
			packer.packArrayHeader(list.size());
			for (Object item : list) {
				write(packer, item);
			}
		}
		else if (value instanceof Map<?, ?> map) {
			packer.packMapHeader(map.size());
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				packer.packString((String) entry.getKey());
				write(packer, entry.getValue());
			}
		}
		else {
			throw new IllegalArgumentException("Cannot pack " + value.getClass());
		}
	}

	/** Reads one MessagePack value as a JSON tree. */
	public static JsonNode read(byte[] bytes) {
		try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes)) {
			JsonNode node = toJson(unpacker.unpackValue());
			if (unpacker.hasNext()) {
				throw new AssertionError("Bytes left after one MessagePack value");
			}
			return node;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The data of an event stream's base64 event, read as MessagePack. */
	public static JsonNode readBase64(String data) {
		return read(Base64.getDecoder().decode(data));
	}

	private static JsonNode toJson(Value value) {
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		switch (value.getValueType()) {
			case NIL:
				return nodes.nullNode();
			case BOOLEAN:
				return nodes.booleanNode(value.asBooleanValue().getBoolean());
			case INTEGER:
				return nodes.numberNode(value.asIntegerValue().toLong());
			case FLOAT:
				return nodes.numberNode(value.asFloatValue().toDouble());
			case STRING:
				return nodes.stringNode(new String(value.asStringValue().asByteArray(), StandardCharsets.UTF_8));
			case BINARY:
				return nodes.objectNode()
					.put("bin", Base64.getEncoder().encodeToString(value.asBinaryValue().asByteArray()));
			case ARRAY:
				ArrayNode array = nodes.arrayNode();
				value.asArrayValue().forEach((item) -> array.add(toJson(item)));
				return array;
			case MAP:
				ObjectNode object = nodes.objectNode();
				value.asMapValue().map().forEach((key, item) -> object.set(key.asStringValue().asString(), toJson(item)));
				return object;
			default:
				throw new AssertionError("Unexpected MessagePack value " + value);
		}
	}

}
