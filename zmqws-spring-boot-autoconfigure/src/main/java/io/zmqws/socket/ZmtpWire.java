package io.zmqws.socket;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * What ZMTP 3.0 (RFC 23) puts on the wire for a DEALER with the NULL mechanism: the
 * greeting, commands and message frames.
 */
final class ZmtpWire {

	static final int GREETING_SIZE = 64;

	static final int FLAG_MORE = 0x01;

	static final int FLAG_LONG = 0x02;

	static final int FLAG_COMMAND = 0x04;

	private static final byte[] NULL_MECHANISM = "NULL".getBytes(StandardCharsets.US_ASCII);

	private ZmtpWire() {
	}

	/** Our greeting: signature, version 3.0, mechanism NULL, not a server, filler. */
	static ByteBuf greeting(ByteBufAllocator allocator) {
		ByteBuf greeting = allocator.buffer(GREETING_SIZE);
		greeting.writeByte(0xFF);
		greeting.writeZero(8);
		greeting.writeByte(0x7F);
		greeting.writeByte(3);
		greeting.writeByte(0);
		greeting.writeBytes(NULL_MECHANISM);
		greeting.writeZero(20 - NULL_MECHANISM.length);
		greeting.writeByte(0);
		greeting.writeZero(31);
		return greeting;
	}

	/**
	 * Checks a peer's greeting.
	 * @return why it cannot be used, or {@code null} when it can
	 */
	static String greetingProblem(ByteBuf in, int start) {
		if ((in.getByte(start) & 0xFF) != 0xFF || (in.getByte(start + 9) & 0x01) != 0x01) {
			return "the peer does not speak ZMTP";
		}
		int major = in.getByte(start + 10) & 0xFF;
		if (major < 3) {
			return "the peer speaks ZMTP " + major + ".x; 3.0 or later is needed";
		}
		for (int i = 0; i < 20; i++) {
			int expected = (i < NULL_MECHANISM.length) ? NULL_MECHANISM[i] : 0;
			if (in.getByte(start + 12 + i) != expected) {
				return "the peer asks for a security mechanism other than NULL";
			}
		}
		return null;
	}

	/** A READY command with the given socket type. */
	static ByteBuf ready(ByteBufAllocator allocator, String socketType) {
		byte[] name = "Socket-Type".getBytes(StandardCharsets.US_ASCII);
		byte[] value = socketType.getBytes(StandardCharsets.US_ASCII);
		int bodySize = 1 + 5 + 1 + name.length + 4 + value.length;
		ByteBuf ready = allocator.buffer(2 + bodySize);
		ready.writeByte(FLAG_COMMAND);
		ready.writeByte(bodySize);
		ready.writeByte(5);
		ready.writeBytes("READY".getBytes(StandardCharsets.US_ASCII));
		ready.writeByte(name.length);
		ready.writeBytes(name);
		ready.writeInt(value.length);
		ready.writeBytes(value);
		return ready;
	}

	/** A PONG command answering a PING with the given context. */
	static ByteBuf pong(ByteBufAllocator allocator, byte[] context) {
		int bodySize = 1 + 4 + context.length;
		ByteBuf pong = allocator.buffer(9 + bodySize);
		writeHeader(pong, FLAG_COMMAND, bodySize);
		pong.writeByte(4);
		pong.writeBytes("PONG".getBytes(StandardCharsets.US_ASCII));
		pong.writeBytes(context);
		return pong;
	}

	/** One message, {@code envelope} then {@code frames}, in one buffer. */
	static ByteBuf message(ByteBufAllocator allocator, List<byte[]> envelope, List<byte[]> frames) {
		int size = 0;
		for (byte[] frame : envelope) {
			size += headerSize(frame.length) + frame.length;
		}
		for (byte[] frame : frames) {
			size += headerSize(frame.length) + frame.length;
		}
		ByteBuf message = allocator.buffer(size);
		int remaining = envelope.size() + frames.size();
		for (byte[] frame : envelope) {
			writeHeader(message, (--remaining > 0) ? FLAG_MORE : 0, frame.length);
			message.writeBytes(frame);
		}
		for (byte[] frame : frames) {
			writeHeader(message, (--remaining > 0) ? FLAG_MORE : 0, frame.length);
			message.writeBytes(frame);
		}
		return message;
	}

	private static int headerSize(long length) {
		return (length > 255) ? 9 : 2;
	}

	private static void writeHeader(ByteBuf buffer, int flags, long length) {
		if (length > 255) {
			buffer.writeByte(flags | FLAG_LONG);
			buffer.writeLong(length);
		}
		else {
			buffer.writeByte(flags);
			buffer.writeByte((int) length);
		}
	}

}
