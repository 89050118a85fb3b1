package io.zmqws.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decides whether a ZeroMQ frame can travel as a JSON string without changing a byte.
 */
final class FrameText {

	private FrameText() {
	}

	/** The frame as text if it is valid UTF-8, otherwise {@code null}. */
	static String asText(byte[] frame) {
		if (isAscii(frame)) {
			return new String(frame, StandardCharsets.ISO_8859_1);
		}
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(frame))
				.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	private static boolean isAscii(byte[] frame) {
		for (byte b : frame) {
			if (b < 0) {
				return false;
			}
		}
		return true;
	}

}
