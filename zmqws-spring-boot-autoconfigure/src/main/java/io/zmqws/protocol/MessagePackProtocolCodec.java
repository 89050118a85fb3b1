package io.zmqws.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.BinaryNode;

/**
 * The MessagePack encoding of protocol v1 ({@value #SUBPROTOCOL}), carried in binary
 * frames.
 * <p>
 * A message is one MessagePack map holding what the JSON encoding's object holds, under
 * the same str keys. ZeroMQ frames are {@code bin}, byte for byte; a str frame from a
 * client is accepted as its UTF-8 bytes. Anywhere else a {@code bin} reads as the base64
 * string the JSON encoding would carry. Thread-safe; each thread reuses its own output
 * buffer.
 */
public final class MessagePackProtocolCodec implements ProtocolCodec {

	/** The WebSocket subprotocol that selects this codec. */
	public static final String SUBPROTOCOL = "zmqws.v1.msgpack";

	private final ThreadLocal<MessagePackWriter> writers;

	public MessagePackProtocolCodec() {
		this(JsonMapper.shared());
	}

	/**
	 * @param mapper turns objects held in {@link tools.jackson.databind.node.POJONode}s of
	 * RPC results and event data into trees before they are encoded
	 */
	public MessagePackProtocolCodec(JsonMapper mapper) {
		this.writers = ThreadLocal.withInitial(() -> new MessagePackWriter(mapper));
	}

	@Override
	public String subprotocol() {
		return SUBPROTOCOL;
	}

	@Override
	public boolean textFrames() {
		return false;
	}

	/** A MessagePack batch holds messages back to back, with nothing between them. */
	@Override
	public List<byte[]> split(byte[] batch) {
		List<byte[]> messages = new ArrayList<>();
		MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(batch);
		try {
			while (unpacker.hasNext()) {
				int start = (int) unpacker.getTotalReadBytes();
				unpacker.skipValue();
				messages.add(Arrays.copyOfRange(batch, start, (int) unpacker.getTotalReadBytes()));
			}
		}
		catch (IOException | MessagePackException ex) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "Batch is not a sequence of MessagePack values");
		}
		return messages;
	}

	@Override
	public ClientMessage decode(byte[] bytes) {
		Fields fields;
		try {
			fields = Fields.read(new MessagePackInput(bytes));
		}
		catch (IOException | MessagePackException ex) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "Message is not valid MessagePack");
		}
		return fields.toMessage();
	}

	@Override
	public byte[] encode(ServerMessage message) {
		if (message instanceof ServerMessage.Message published && published.frames() instanceof SharedFrames shared) {
			// the frames of a published message are packed once for all its clients
			byte[] frames = shared.memo(this, (list) -> withWriter((writer) -> writer.framesBytes(list)));
			return withWriter((writer) -> writer.toBytes(published, frames));
		}
		return withWriter((writer) -> writer.toBytes(message));
	}

	private byte[] withWriter(WriterCall call) {
		MessagePackWriter writer = this.writers.get();
		try {
			return call.apply(writer);
		}
		catch (IOException ex) {
			this.writers.remove();
			throw new UncheckedIOException(ex);
		}
		catch (RuntimeException ex) {
			this.writers.remove();
			throw ex;
		}
	}

	/**
	 * The fields of the message's map, in order of appearance; a name given twice means
	 * its last value, as in the JSON encoding.
	 */
	private static final class Fields extends ClientMessageFields {

		private final String[] names;

		private final JsonNode[] values;

		private Fields(int size) {
			this.names = new String[size];
			this.values = new JsonNode[size];
		}

		static Fields read(MessagePackInput in) throws IOException {
			if (!in.hasNext()) {
				throw MessagePackInput.bad("Message is empty");
			}
			if (in.nextType() != ValueType.MAP) {
				throw MessagePackInput.bad("Message must be a MessagePack map");
			}
			int size = in.mapHeader();
			Fields fields = new Fields(size);
			for (int i = 0; i < size; i++) {
				String name = in.key();
				fields.names[i] = name;
				fields.values[i] = switch (name) {
					case "frames" -> in.frames();
					case "topic" -> in.frame();
					case "value", "error", "args", "kwargs" -> in.value();
					default -> in.field();
				};
			}
			if (in.hasNext()) {
				throw MessagePackInput.bad("Message holds more than one MessagePack value");
			}
			return fields;
		}

		@Override
		protected JsonNode get(String name) {
			for (int i = this.names.length - 1; i >= 0; i--) {
				if (name.equals(this.names[i])) {
					return this.values[i];
				}
			}
			return null;
		}

		@Override
		protected byte[] frame(String name, JsonNode node) {
			if (node instanceof BinaryNode binary) {
				return binary.binaryValue();
			}
			throw error(ErrorCode.INVALID_FIELD, "Frames in field '" + name + "' must be bin or str values");
		}

	}

	@FunctionalInterface
	private interface WriterCall {

		byte[] apply(MessagePackWriter writer) throws IOException;

	}

}
