package io.zmqws.socket;

import java.util.List;

/**
 * Small helpers for multipart messages.
 */
public final class Frames {

	private Frames() {
	}

	/** The size of a message: its frames' lengths added up. */
	public static long size(List<byte[]> frames) {
		long size = 0;
		for (byte[] frame : frames) {
			size += frame.length;
		}
		return size;
	}

	static byte[] ofLong(long value) {
		byte[] bytes = new byte[Long.BYTES];
		for (int i = Long.BYTES - 1; i >= 0; i--) {
			bytes[i] = (byte) value;
			value >>>= 8;
		}
		return bytes;
	}

	static long toLong(byte[] bytes) {
		long value = 0;
		for (byte b : bytes) {
			value = (value << 8) | (b & 0xFF);
		}
		return value;
	}

}
