package io.zmqws.bench.load;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/**
 * What {@link Scan} does for JSON, for the gateway's MessagePack messages
 * ({@code zmqws.v1.msgpack}): reads the {@code id} and the {@code op} of a reply without
 * decoding it, and writes the few client messages the load generator sends.
 */
public final class MsgpackScan {

	/** The key {@code "id"}: a fixstr of 2 bytes. */
	private static final byte[] ID_KEY = { (byte) 0xa2, 'i', 'd' };

	/** The key {@code "op"}. */
	private static final byte[] OP_KEY = { (byte) 0xa2, 'o', 'p' };

	private MsgpackScan() {
	}

	/** The unsigned integer after the first key {@code "id"}, or {@link Scan#NONE}. */
	public static long id(ByteBuf buf) {
		int at = Scan.indexOf(buf, ID_KEY, buf.readerIndex());
		if (at < 0) {
			return Scan.NONE;
		}
		int i = at + ID_KEY.length;
		if (i >= buf.writerIndex()) {
			return Scan.NONE;
		}
		int type = buf.getUnsignedByte(i);
		if (type <= 0x7f) {
			return type;
		}
		return switch (type) {
			case 0xcc -> (i + 1 < buf.writerIndex()) ? buf.getUnsignedByte(i + 1) : Scan.NONE;
			case 0xcd -> (i + 2 < buf.writerIndex()) ? buf.getUnsignedShort(i + 1) : Scan.NONE;
			case 0xce -> (i + 4 < buf.writerIndex()) ? buf.getUnsignedInt(i + 1) : Scan.NONE;
			case 0xcf -> (i + 8 < buf.writerIndex()) ? buf.getLong(i + 1) : Scan.NONE;
			default -> Scan.NONE;
		};
	}

	/** Whether the message's {@code "op"} (a fixstr) starts with {@code prefix}. */
	public static boolean opIs(ByteBuf buf, String prefix) {
		int at = Scan.indexOf(buf, OP_KEY, buf.readerIndex());
		if (at < 0) {
			return false;
		}
		int header = at + OP_KEY.length;
		if (header >= buf.writerIndex() || (buf.getUnsignedByte(header) & 0xe0) != 0xa0) {
			return false;
		}
		int length = buf.getUnsignedByte(header) & 0x1f;
		if (length < prefix.length() || header + prefix.length() >= buf.writerIndex()) {
			return false;
		}
		for (int i = 0; i < prefix.length(); i++) {
			if (buf.getByte(header + 1 + i) != prefix.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	/** {@code {"op":"open","sid":<sid>,"endpoint":<endpoint>}}. */
	public static byte[] open(int sid, String endpoint) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(0x83);
		str(out, "op");
		str(out, "open");
		str(out, "sid");
		out.write(sid);
		str(out, "endpoint");
		str(out, endpoint);
		return out.toByteArray();
	}

	/**
	 * The bytes of {@code {"op":"request","sid":<sid>,"id":} before the id, which the
	 * caller writes as a {@code uint 64} ({@code 0xcf} and 8 bytes), and of
	 * {@code ,"frames":[<payload as bin>]}} after it.
	 */
	public static byte[][] requestAroundId(int sid, byte[] payload) {
		ByteArrayOutputStream before = new ByteArrayOutputStream();
		before.write(0x84);
		str(before, "op");
		str(before, "request");
		str(before, "sid");
		before.write(sid);
		str(before, "id");
		before.write(0xcf);
		ByteArrayOutputStream after = new ByteArrayOutputStream();
		str(after, "frames");
		after.write(0x91);
		after.write(0xc4);
		after.write(payload.length);
		after.writeBytes(payload);
		return new byte[][] { before.toByteArray(), after.toByteArray() };
	}

	private static void str(ByteArrayOutputStream out, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		out.write(0xa0 | bytes.length);
		out.writeBytes(bytes);
	}

}
