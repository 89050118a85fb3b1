package io.zmqws.protocol;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.buffer.MessageBuffer;
import org.msgpack.core.buffer.MessageBufferOutput;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.POJONode;

/**
 * Writes server messages as MessagePack into a buffer it keeps between messages: frames
 * as {@code bin}, free JSON values as the MessagePack values that stand for them. Not
 * thread-safe: one per thread.
 */
final class MessagePackWriter extends ServerMessageWriter {

	private static final int INITIAL_CAPACITY = 1024;

	/** A buffer grown past this is dropped after the message, so that one large message is not kept per thread. */
	private static final int RETAINED_CAPACITY = 64 * 1024;

	private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(Long.SIZE).subtract(BigInteger.ONE);

	private final Output output = new Output();

	private final MessagePacker packer = MessagePack.newDefaultPacker(this.output);

	private final JsonMapper mapper;

	/** @param mapper turns the objects held by {@link POJONode}s into trees */
	MessagePackWriter(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/** The message's MessagePack bytes. A writer that threw must not be used again. */
	byte[] toBytes(ServerMessage message) throws IOException {
		write(message);
		this.packer.flush();
		return this.output.take();
	}

	/** A frames array on its own, to be shared by many messages. */
	byte[] framesBytes(List<byte[]> frames) throws IOException {
		writeFrames(frames);
		this.packer.flush();
		return this.output.take();
	}

	/**
	 * A {@code message} whose frames array was packed once ({@link #framesBytes}): the same
	 * bytes as {@link #toBytes}, with only the per-client fields packed here.
	 */
	byte[] toBytes(ServerMessage.Message message, byte[] packedFrames) throws IOException {
		boolean dropped = message.dropped() > 0;
		startObject(dropped ? 4 : 3);
		name("op");
		string(message.op());
		name("sid");
		number(message.sid());
		name("frames");
		this.packer.writePayload(packedFrames);
		if (dropped) {
			name("dropped");
			number(message.dropped());
		}
		this.packer.flush();
		return this.output.take();
	}

	@Override
	protected void startObject(int size) throws IOException {
		this.packer.packMapHeader(size);
	}

	@Override
	protected void endObject() {
	}

	@Override
	protected void startArray(int size) throws IOException {
		this.packer.packArrayHeader(size);
	}

	@Override
	protected void endArray() {
	}

	@Override
	protected void name(String name) throws IOException {
		this.packer.packString(name);
	}

	@Override
	protected void string(String value) throws IOException {
		this.packer.packString(value);
	}

	@Override
	protected void number(long value) throws IOException {
		this.packer.packLong(value);
	}

	@Override
	protected void bool(boolean value) throws IOException {
		this.packer.packBoolean(value);
	}

	@Override
	protected void frame(byte[] frame) throws IOException {
		this.packer.packBinaryHeader(frame.length);
		this.packer.writePayload(frame);
	}

	/**
	 * Writes a JSON value: integers as int, other numbers as float64, binary nodes as the
	 * base64 string JSON would show.
	 */
	@Override
	protected void tree(JsonNode value) throws IOException {
		switch (value.getNodeType()) {
			case OBJECT -> {
				this.packer.packMapHeader(value.size());
				for (Map.Entry<String, JsonNode> property : value.properties()) {
					this.packer.packString(property.getKey());
					tree(property.getValue());
				}
			}
			case ARRAY -> {
				this.packer.packArrayHeader(value.size());
				for (JsonNode element : value) {
					tree(element);
				}
			}
			case STRING -> this.packer.packString(value.stringValue());
			case NUMBER -> numeric(value);
			case BOOLEAN -> this.packer.packBoolean(value.booleanValue());
			case BINARY -> this.packer.packString(Base64.getEncoder().encodeToString(value.binaryValue()));
			case POJO -> pojo(((POJONode) value).getPojo());
			case NULL, MISSING -> this.packer.packNil();
		}
	}

	private void numeric(JsonNode value) throws IOException {
		switch (value.numberType()) {
			case INT, LONG -> this.packer.packLong(value.longValue());
			case BIG_INTEGER -> integer(value.bigIntegerValue());
			case BIG_DECIMAL -> decimal(value.decimalValue());
			// the float JSON shows (its shortest decimal form), not the float's exact binary value
			case FLOAT -> this.packer.packDouble(Double.parseDouble(Float.toString(value.floatValue())));
			default -> this.packer.packDouble(value.doubleValue());
		}
	}

	private void integer(BigInteger value) throws IOException {
		if (value.bitLength() < Long.SIZE || (value.signum() > 0 && value.compareTo(UINT64_MAX) <= 0)) {
			this.packer.packBigInteger(value);
		}
		else {
			this.packer.packDouble(value.doubleValue());
		}
	}

	/** A decimal as JSON writes it: digits alone (an integer) when its scale is 0, a float otherwise. */
	private void decimal(BigDecimal value) throws IOException {
		if (value.scale() == 0) {
			integer(value.unscaledValue());
		}
		else {
			this.packer.packDouble(value.doubleValue());
		}
	}

	private void pojo(Object pojo) throws IOException {
		if (pojo == null) {
			this.packer.packNil();
		}
		else if (pojo instanceof byte[] bytes) {
			this.packer.packString(Base64.getEncoder().encodeToString(bytes));
		}
		else {
			JsonNode tree = this.mapper.valueToTree(pojo);
			if (tree instanceof POJONode) {
				this.packer.packString(String.valueOf(pojo));
			}
			else {
				tree(tree);
			}
		}
	}

	/** A growing byte array the packer writes into directly. */
	private static final class Output implements MessageBufferOutput {

		private byte[] buffer = new byte[INITIAL_CAPACITY];

		private int size;

		/** Returns what was written and empties the buffer. */
		byte[] take() {
			byte[] written = Arrays.copyOf(this.buffer, this.size);
			this.size = 0;
			if (this.buffer.length > RETAINED_CAPACITY) {
				this.buffer = new byte[INITIAL_CAPACITY];
			}
			return written;
		}

		@Override
		public MessageBuffer next(int minimumSize) {
			ensureRoom(Math.max(minimumSize, INITIAL_CAPACITY / 4));
			return MessageBuffer.wrap(this.buffer, this.size, this.buffer.length - this.size);
		}

		@Override
		public void writeBuffer(int length) {
			this.size += length;
		}

		@Override
		public void write(byte[] bytes, int offset, int length) {
			ensureRoom(length);
			System.arraycopy(bytes, offset, this.buffer, this.size, length);
			this.size += length;
		}

		@Override
		public void add(byte[] bytes, int offset, int length) {
			write(bytes, offset, length);
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

		private void ensureRoom(int length) {
			if (this.buffer.length - this.size < length) {
				this.buffer = Arrays.copyOf(this.buffer, Math.max(this.buffer.length * 2, this.size + length));
			}
		}

	}

}
