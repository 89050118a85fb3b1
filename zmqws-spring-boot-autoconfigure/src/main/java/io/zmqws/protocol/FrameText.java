package io.zmqws.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decides whether bytes are valid UTF-8 text, e.g. whether a ZeroMQ frame can travel as
 * a JSON string without changing a byte.
 */
final class FrameText {

	private FrameText() {
	}

	/** The frame as text if it is valid UTF-8, otherwise {@code null}. */
	static String asText(byte[] frame) {
		return asText(frame, 0, frame.length);
	}

	/** The {@code length} bytes at {@code offset} as text if they are valid UTF-8, otherwise {@code null}. */
	static String asText(byte[] bytes, int offset, int length) {
		if (isAscii(bytes, offset, length)) {
			return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes, offset, length))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	/** Whether the {@code length} bytes at {@code offset} are valid UTF-8. */
	static boolean isText(byte[] bytes, int offset, int length) {
		return isAscii(bytes, offset, length) || asText(bytes, offset, length) != null;
	}

	private static boolean isAscii(byte[] bytes, int offset, int length) {
		for (int i = offset, end = offset + length; i < end; i++) {
			if (bytes[i] < 0) {
				return false;
			}
		}
		return true;
	}

}
