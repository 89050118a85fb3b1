package io.zmqws.bench.load;

import io.netty.buffer.ByteBuf;

/**
 * Reads the few things the load generator needs from a frame without parsing the JSON
 * (or STOMP) text: the request {@code "id":}, the {@code "op":} of a zmqws message, and
 * the sequence number a fan-out message carries after {@code @@}.
 */
public final class Scan {

	private static final byte[] ID = { '"', 'i', 'd', '"', ':' };

	private static final byte[] OP = { '"', 'o', 'p', '"', ':', '"' };

	/** The value that stands for "not found". */
	public static final long NONE = Long.MIN_VALUE;

	/** The sequence of probe messages (sent until every subscriber has one). */
	public static final long PROBE = -1;

	private Scan() {
	}

	/** The integer after the first {@code "id":}, or {@link #NONE}. */
	public static long id(ByteBuf buf) {
		int at = indexOf(buf, ID, buf.readerIndex());
		return (at < 0) ? NONE : number(buf, at + ID.length);
	}

	/** Whether the message's {@code "op"} starts with {@code prefix}. */
	public static boolean opIs(ByteBuf buf, String prefix) {
		int at = indexOf(buf, OP, buf.readerIndex());
		if (at < 0) {
			return false;
		}
		int start = at + OP.length;
		if (start + prefix.length() > buf.writerIndex()) {
			return false;
		}
		for (int i = 0; i < prefix.length(); i++) {
			if (buf.getByte(start + i) != prefix.charAt(i)) {
				return false;
			}
		}
		return true;
	}

	/** The sequence after {@code @@}: a number, {@link #PROBE} for {@code @@P}, or {@link #NONE}. */
	public static long sequence(ByteBuf buf) {
		int end = buf.writerIndex() - 1;
		for (int i = buf.readerIndex(); i < end; i++) {
			if (buf.getByte(i) == '@' && buf.getByte(i + 1) == '@') {
				if (i + 2 <= end && buf.getByte(i + 2) == 'P') {
					return PROBE;
				}
				return number(buf, i + 2);
			}
		}
		return NONE;
	}

	/** The 100-byte-ish body of fan-out message {@code seq} ({@link #PROBE} for a probe). */
	public static String body(long seq, int size) {
		StringBuilder body = new StringBuilder(size);
		body.append("@@").append((seq == PROBE) ? "P" : Long.toString(seq)).append(';');
		while (body.length() < size) {
			body.append('x');
		}
		return body.toString();
	}

	private static long number(ByteBuf buf, int from) {
		int i = from;
		int end = buf.writerIndex();
		boolean negative = false;
		if (i < end && buf.getByte(i) == '-') {
			negative = true;
			i++;
		}
		long value = 0;
		int digits = 0;
		while (i < end) {
			byte b = buf.getByte(i);
			if (b < '0' || b > '9') {
				break;
			}
			value = value * 10 + (b - '0');
			digits++;
			i++;
		}
		if (digits == 0) {
			return NONE;
		}
		return negative ? -value : value;
	}

	static int indexOf(ByteBuf buf, byte[] needle, int from) {
		int last = buf.writerIndex() - needle.length;
		outer: for (int i = from; i <= last; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (buf.getByte(i + j) != needle[j]) {
					continue outer;
				}
			}
			return i;
		}
		return -1;
	}

}
