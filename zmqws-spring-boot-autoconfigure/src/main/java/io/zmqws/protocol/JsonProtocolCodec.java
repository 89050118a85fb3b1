package io.zmqws.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

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
		Fields fields = new Fields(root);
		String op = fields.requiredString("op");
		fields.op = op;
		return switch (op) {
			case "open" -> new ClientMessage.Open(fields.sid(), fields.requiredString("endpoint"));
			case "close" -> new ClientMessage.Close(fields.sid());
			case "request" -> {
				long sid = fields.sid();
				long id = fields.requiredLong("id");
				fields.id = id;
				yield new ClientMessage.Request(sid, id, fields.frames(), fields.optionalTimeout());
			}
			case "subscribe" -> fields.has("path") ? new ClientMessage.SubscribePath(fields.path())
					: new ClientMessage.Subscribe(fields.sid(), fields.topic());
			case "unsubscribe" -> fields.has("path") ? new ClientMessage.UnsubscribePath(fields.path())
					: new ClientMessage.Unsubscribe(fields.sid(), fields.topic());
			case "push" -> {
				long sid = fields.sid();
				Long id = fields.optionalLong("id");
				fields.id = id;
				yield new ClientMessage.Push(sid, id, fields.frames());
			}
			case "ping" -> new ClientMessage.Ping(fields.optionalLong("id"));
			case "call" -> {
				long id = fields.requiredLong("id");
				fields.id = id;
				yield new ClientMessage.Call(id, fields.requiredString("method"), fields.optionalArray("args"),
						fields.optionalObject("kwargs"), fields.optionalTimeout());
			}
			case "cancel" -> {
				long id = fields.requiredLong("id");
				fields.id = id;
				yield new ClientMessage.Cancel(id);
			}
			case "methods" -> new ClientMessage.Methods();
			case "auth" -> new ClientMessage.Auth(fields.requiredString("token"));
			case "register" -> new ClientMessage.Register(fields.requiredString("name"));
			case "unregister" -> new ClientMessage.Unregister(fields.requiredString("name"));
			case "return" -> {
				long cid = fields.requiredLong("cid");
				JsonNode error = root.get("error");
				if (error != null && !error.isNull()) {
					yield new ClientMessage.Return(cid, null, error.isString() ? error.stringValue() : error.toString());
				}
				JsonNode value = root.get("value");
				yield new ClientMessage.Return(cid, (value != null) ? value : NullNode.getInstance(), null);
			}
			default -> throw new ProtocolException(ErrorCode.UNKNOWN_OP, "Unknown op '" + abbreviate(op) + "'", null,
					null, null);
		};
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
			json.writeStartArray();
			for (byte[] frame : frames) {
				writeFrame(json, frame);
			}
			json.writeEndArray();
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
			json.writeStartObject();
			json.writeStringProperty("op", message.op());
			if (message instanceof ServerMessage.Welcome welcome) {
				json.writeStringProperty("protocol", welcome.protocol());
				json.writeStringProperty("session", welcome.session());
				if (welcome.user() != null) {
					json.writeStringProperty("user", welcome.user());
				}
				ServerMessage.Limits limits = welcome.limits();
				json.writeName("limits");
				json.writeStartObject();
				json.writeNumberProperty("maxMessageSize", limits.maxMessageSize());
				json.writeNumberProperty("maxSockets", limits.maxSockets());
				json.writeNumberProperty("maxSubscriptions", limits.maxSubscriptions());
				json.writeNumberProperty("maxPendingRequests", limits.maxPendingRequests());
				json.writeEndObject();
			}
			else if (message instanceof ServerMessage.Opened opened) {
				json.writeNumberProperty("sid", opened.sid());
				json.writeStringProperty("endpoint", opened.endpoint());
				json.writeStringProperty("type", opened.type());
			}
			else if (message instanceof ServerMessage.Closed closed) {
				json.writeNumberProperty("sid", closed.sid());
			}
			else if (message instanceof ServerMessage.Reply reply) {
				json.writeNumberProperty("sid", reply.sid());
				json.writeNumberProperty("id", reply.id());
				writeFrames(json, reply.frames());
			}
			else if (message instanceof ServerMessage.Message published) {
				json.writeNumberProperty("sid", published.sid());
				writeFrames(json, published.frames());
				if (published.dropped() > 0) {
					json.writeNumberProperty("dropped", published.dropped());
				}
			}
			else if (message instanceof ServerMessage.Subscribed subscribed) {
				json.writeNumberProperty("sid", subscribed.sid());
				json.writeName("topic");
				writeFrame(json, subscribed.topic());
			}
			else if (message instanceof ServerMessage.Unsubscribed unsubscribed) {
				json.writeNumberProperty("sid", unsubscribed.sid());
				json.writeName("topic");
				writeFrame(json, unsubscribed.topic());
			}
			else if (message instanceof ServerMessage.Pushed pushed) {
				json.writeNumberProperty("sid", pushed.sid());
				json.writeNumberProperty("id", pushed.id());
			}
			else if (message instanceof ServerMessage.Pong pong) {
				if (pong.id() != null) {
					json.writeNumberProperty("id", pong.id());
				}
			}
			else if (message instanceof ServerMessage.Result result) {
				json.writeNumberProperty("id", result.id());
				json.writeName("value");
				json.writeTree(result.value());
			}
			else if (message instanceof ServerMessage.Item item) {
				json.writeNumberProperty("id", item.id());
				json.writeName("value");
				json.writeTree(item.value());
			}
			else if (message instanceof ServerMessage.Done done) {
				json.writeNumberProperty("id", done.id());
			}
			else if (message instanceof ServerMessage.MethodList list) {
				json.writeName("methods");
				json.writeStartArray();
				for (ServerMessage.MethodInfo method : list.methods()) {
					json.writeStartObject();
					json.writeStringProperty("name", method.name());
					json.writeName("params");
					json.writeStartArray();
					for (String param : method.params()) {
						json.writeString(param);
					}
					json.writeEndArray();
					json.writeBooleanProperty("streaming", method.streaming());
					json.writeEndObject();
				}
				json.writeEndArray();
			}
			else if (message instanceof ServerMessage.Registered registered) {
				json.writeStringProperty("name", registered.name());
			}
			else if (message instanceof ServerMessage.Unregistered unregistered) {
				json.writeStringProperty("name", unregistered.name());
			}
			else if (message instanceof ServerMessage.Invoke invoke) {
				if (invoke.cid() != null) {
					json.writeNumberProperty("cid", invoke.cid());
				}
				json.writeStringProperty("function", invoke.function());
				json.writeName("args");
				json.writeStartArray();
				for (JsonNode arg : invoke.args()) {
					json.writeTree(arg);
				}
				json.writeEndArray();
			}
			else if (message instanceof ServerMessage.PathSubscribed subscribed) {
				json.writeStringProperty("path", subscribed.path());
			}
			else if (message instanceof ServerMessage.PathUnsubscribed unsubscribed) {
				json.writeStringProperty("path", unsubscribed.path());
			}
			else if (message instanceof ServerMessage.Event event) {
				json.writeStringProperty("path", event.path());
				json.writeName("data");
				json.writeTree(event.data());
			}
			else if (message instanceof ServerMessage.Authenticated authenticated) {
				json.writeStringProperty("user", authenticated.user());
				if (authenticated.expiresAt() != null) {
					json.writeNumberProperty("expiresAt", authenticated.expiresAt());
				}
			}
			else if (message instanceof ServerMessage.Error error) {
				json.writeStringProperty("code", error.code());
				json.writeStringProperty("message", error.message());
				if (error.failedOp() != null) {
					json.writeStringProperty("failedOp", error.failedOp());
				}
				if (error.sid() != null) {
					json.writeNumberProperty("sid", error.sid());
				}
				if (error.id() != null) {
					json.writeNumberProperty("id", error.id());
				}
			}
			json.writeEndObject();
		}
		return out.toByteArray();
	}

	private static void writeFrames(JsonGenerator json, List<byte[]> frames) {
		json.writeName("frames");
		json.writeStartArray();
		for (byte[] frame : frames) {
			writeFrame(json, frame);
		}
		json.writeEndArray();
	}

	private static void writeFrame(JsonGenerator json, byte[] frame) {
		String text = FrameText.asText(frame);
		if (text != null) {
			json.writeString(text);
		}
		else {
			json.writeStartObject();
			json.writeStringProperty(BASE64, Base64.getEncoder().encodeToString(frame));
			json.writeEndObject();
		}
	}

	private static String abbreviate(String value) {
		return (value.length() <= 40) ? value : value.substring(0, 40) + "...";
	}

	/** Reads fields of one message, remembering enough context to report errors. */
	private static final class Fields {

		private final JsonNode root;

		private String op;

		private Long sid;

		private Long id;

		Fields(JsonNode root) {
			this.root = root;
		}

		long sid() {
			long value = requiredLong("sid");
			if (value < 0) {
				throw error(ErrorCode.INVALID_FIELD, "Field 'sid' must not be negative");
			}
			this.sid = value;
			return value;
		}

		String requiredString(String name) {
			JsonNode node = required(name);
			if (!node.isString()) {
				throw error(ErrorCode.INVALID_FIELD, "Field '" + name + "' must be a string");
			}
			return node.stringValue();
		}

		long requiredLong(String name) {
			JsonNode node = required(name);
			if (!node.isIntegralNumber() || !node.canConvertToLong()) {
				throw error(ErrorCode.INVALID_FIELD, "Field '" + name + "' must be an integer");
			}
			return node.longValue();
		}

		Long optionalLong(String name) {
			JsonNode node = this.root.get(name);
			return (node == null || node.isNull()) ? null : requiredLong(name);
		}

		long optionalTimeout() {
			Long timeout = optionalLong("timeout");
			if (timeout == null) {
				return 0;
			}
			if (timeout <= 0) {
				throw error(ErrorCode.INVALID_FIELD, "Field 'timeout' must be a positive number of milliseconds");
			}
			return timeout;
		}

		boolean has(String name) {
			JsonNode node = this.root.get(name);
			return node != null && !node.isNull();
		}

		String path() {
			if (has("sid")) {
				throw error(ErrorCode.INVALID_FIELD, "A subscription names either 'sid' and 'topic' or 'path'");
			}
			String path = requiredString("path");
			if (!path.startsWith("/") || path.length() > 1024 || path.contains("//")
					|| (path.length() > 1 && path.endsWith("/"))) {
				throw error(ErrorCode.INVALID_FIELD,
						"Field 'path' must start with '/', have no empty segment and end without '/'");
			}
			return path;
		}

		JsonNode optionalArray(String name) {
			return optional(name, JsonNode::isArray, "an array");
		}

		JsonNode optionalObject(String name) {
			return optional(name, JsonNode::isObject, "an object");
		}

		private JsonNode optional(String name, Predicate<JsonNode> kind, String description) {
			JsonNode node = this.root.get(name);
			if (node == null || node.isNull()) {
				return null;
			}
			if (!kind.test(node)) {
				throw error(ErrorCode.INVALID_FIELD, "Field '" + name + "' must be " + description);
			}
			return node;
		}

		byte[] topic() {
			return frame("topic", required("topic"));
		}

		List<byte[]> frames() {
			JsonNode node = required("frames");
			if (!node.isArray() || node.isEmpty()) {
				throw error(ErrorCode.INVALID_FIELD, "Field 'frames' must be a non-empty array");
			}
			List<byte[]> frames = new ArrayList<>(node.size());
			for (JsonNode frame : node) {
				frames.add(frame("frames", frame));
			}
			return frames;
		}

		private byte[] frame(String name, JsonNode node) {
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

		private JsonNode required(String name) {
			JsonNode node = this.root.get(name);
			if (node == null || node.isNull()) {
				throw error(ErrorCode.MISSING_FIELD, "Field '" + name + "' is required");
			}
			return node;
		}

		private ProtocolException error(ErrorCode code, String message) {
			return new ProtocolException(code, message, this.op, this.sid, this.id);
		}

	}

}
