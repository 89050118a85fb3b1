package io.zmqws.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON encoding of protocol v1 ({@value #SUBPROTOCOL}), carried in text frames.
 * <p>
 * A frame is a JSON string when its bytes are valid UTF-8 and an object
 * {@code {"base64": "..."}} otherwise.
 */
public final class JsonProtocolCodec implements ProtocolCodec {

	/** The WebSocket subprotocol that selects this codec. */
	public static final String SUBPROTOCOL = "zmqws.v1.json";

	private static final String BASE64 = "base64";

	private static final byte[] MESSAGE_HEAD = ascii("{\"op\":\"message\",\"sid\":");

	private static final byte[] FRAMES_NAME = ascii(",\"frames\":");

	private static final byte[] DROPPED_NAME = ascii(",\"dropped\":");

	private final JsonMapper mapper;

	private final boolean spliceShared;

	public JsonProtocolCodec() {
		this(JsonMapper.builder().build());
	}

	public JsonProtocolCodec(JsonMapper mapper) {
		this.mapper = mapper;
		this.spliceShared = splicingMatchesMapper();
	}

	@Override
	public String subprotocol() {
		return SUBPROTOCOL;
	}

	@Override
	public boolean textFrames() {
		return true;
	}

	/** A JSON batch holds one message per line (newline-delimited JSON); blank lines are skipped. */
	@Override
	public List<byte[]> split(byte[] batch) {
		List<byte[]> messages = new ArrayList<>();
		int start = 0;
		for (int i = 0; i <= batch.length; i++) {
			if (i == batch.length || batch[i] == '\n') {
				int end = i;
				while (end > start && isJsonWhitespace(batch[end - 1])) {
					end--;
				}
				int from = start;
				while (from < end && isJsonWhitespace(batch[from])) {
					from++;
				}
				if (from < end) {
					messages.add(Arrays.copyOfRange(batch, from, end));
				}
				start = i + 1;
			}
		}
		return messages;
	}

	private static boolean isJsonWhitespace(byte b) {
		return b == ' ' || b == '\t' || b == '\r' || b == '\n';
	}

	@Override
	public ClientMessage decode(byte[] bytes) {
		JsonNode root;
		try {
			root = this.mapper.readTree(bytes);
		}
		catch (JacksonException ex) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "Message is not valid JSON");
		}
		if (root == null || !root.isObject()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "Message must be a JSON object");
		}
		return new Fields(root).toMessage();
	}

	/**
	 * Encodes one server message. A {@code message} whose frames are {@link SharedFrames}
	 * reuses their JSON array, written once per published message for all its clients,
	 * and writes around it only what differs per client; the bytes are the same as
	 * without sharing.
	 */
	@Override
	public byte[] encode(ServerMessage message) {
		if (this.spliceShared && message instanceof ServerMessage.Message published
				&& published.frames() instanceof SharedFrames shared) {
			return splice(published, shared.memo(this, this::encodeFrames));
		}
		return encodeWithGenerator(message);
	}

	/**
	 * {@code {"op":"message","sid":<sid>,"frames":<frames>[,"dropped":<n>]}}, exactly as
	 * the generator writes it with the default settings.
	 */
	private static byte[] splice(ServerMessage.Message message, byte[] frames) {
		byte[] sid = ascii(Long.toString(message.sid()));
		byte[] dropped = (message.dropped() > 0) ? ascii(Long.toString(message.dropped())) : null;
		int length = MESSAGE_HEAD.length + sid.length + FRAMES_NAME.length + frames.length + 1
				+ ((dropped != null) ? DROPPED_NAME.length + dropped.length : 0);
		byte[] out = new byte[length];
		int at = put(out, 0, MESSAGE_HEAD);
		at = put(out, at, sid);
		at = put(out, at, FRAMES_NAME);
		at = put(out, at, frames);
		if (dropped != null) {
			at = put(out, at, DROPPED_NAME);
			at = put(out, at, dropped);
		}
		out[at] = '}';
		return out;
	}

	private static int put(byte[] target, int at, byte[] bytes) {
		System.arraycopy(bytes, 0, target, at, bytes.length);
		return at + bytes.length;
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	/** The {@code frames} array on its own, as the generator writes it inside a message. */
	private byte[] encodeFrames(List<byte[]> frames) {
		int size = 32;
		for (byte[] frame : frames) {
			size += frame.length + 8;
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(size);
		try (JsonGenerator json = this.mapper.createGenerator(out)) {
			new Writer(json).writeFrames(frames);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	/**
	 * Whether splicing gives the generator's bytes with this codec's mapper: not, for
	 * example, when it indents its output.
	 */
	private boolean splicingMatchesMapper() {
		List<byte[]> frames = List.of(ascii("topic"), "caf\u00e9 \"\u2603\"\n".getBytes(StandardCharsets.UTF_8),
				new byte[] { 0, (byte) 0xff, 0x7f });
		ServerMessage.Message probe = new ServerMessage.Message(-42, frames, 7);
		return Arrays.equals(encodeWithGenerator(probe), splice(probe, encodeFrames(frames)));
	}

	private byte[] encodeWithGenerator(ServerMessage message) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(128);
		try (JsonGenerator json = this.mapper.createGenerator(out)) {
			new Writer(json).write(message);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return out.toByteArray();
	}

	/** The fields of a JSON object; a frame is a string or a {@code {"base64": "..."}} object. */
	private static final class Fields extends ClientMessageFields {

		private final JsonNode root;

		Fields(JsonNode root) {
			this.root = root;
		}

		@Override
		protected JsonNode get(String name) {
			return this.root.get(name);
		}

		@Override
		protected byte[] frame(String name, JsonNode node) {
			if (node.isString()) {
				return node.stringValue().getBytes(StandardCharsets.UTF_8);
			}
			if (node.isObject() && node.size() == 1 && node.get(BASE64) != null && node.get(BASE64).isString()) {
				try {
					return Base64.getDecoder().decode(node.get(BASE64).stringValue());
				}
				catch (IllegalArgumentException ex) {
					throw error(ErrorCode.INVALID_FIELD, "Field '" + name + "' holds invalid base64");
				}
			}
			throw error(ErrorCode.INVALID_FIELD,
					"Field '" + name + "' must hold strings or {\"base64\": \"...\"} objects");
		}

	}

	/** Writes a message with a JSON generator; a frame is a string when it is UTF-8, base64 otherwise. */
	private static final class Writer extends ServerMessageWriter {

		private final JsonGenerator json;

		Writer(JsonGenerator json) {
			this.json = json;
		}

		@Override
		protected void startObject(int size) {
			this.json.writeStartObject();
		}

		@Override
		protected void endObject() {
			this.json.writeEndObject();
		}

		@Override
		protected void startArray(int size) {
			this.json.writeStartArray();
		}

		@Override
		protected void endArray() {
			this.json.writeEndArray();
		}

		@Override
		protected void name(String name) {
			this.json.writeName(name);
		}

		@Override
		protected void string(String value) {
			this.json.writeString(value);
		}

		@Override
		protected void number(long value) {
			this.json.writeNumber(value);
		}

		@Override
		protected void bool(boolean value) {
			this.json.writeBoolean(value);
		}

		@Override
		protected void frame(byte[] frame) {
			String text = FrameText.asText(frame);
			if (text != null) {
				this.json.writeString(text);
			}
			else {
				this.json.writeStartObject();
				this.json.writeStringProperty(BASE64, Base64.getEncoder().encodeToString(frame));
				this.json.writeEndObject();
			}
		}

		@Override
		protected void tree(JsonNode value) {
			// strings and booleans directly: writeTree looks up a serializer for every value
			switch (value.getNodeType()) {
				case STRING -> this.json.writeString(value.stringValue());
				case BOOLEAN -> this.json.writeBoolean(value.booleanValue());
				default -> this.json.writeTree(value);
			}
		}

	}

}
