package io.zmqws.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.zmqws.protocol.ProtocolCodec;
import io.zmqws.protocol.ServerMessage;
import io.zmqws.session.CloseReason;

/**
 * The bytes of the fallback transport's event stream ({@code text/event-stream}).
 * <p>
 * A text codec's message is the event data as it is (it holds no line breaks); a binary
 * codec's message is sent as base64.
 */
final class SseEvents {

	static final byte[] RETRY = "retry: 1000\n\n".getBytes(StandardCharsets.US_ASCII);

	static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

	private SseEvents() {
	}

	/** The event carrying message number {@code seq} of session {@code session}. */
	static byte[] message(String session, long seq, ProtocolCodec codec, ServerMessage message) {
		byte[] encoded = codec.encode(message);
		byte[] data = codec.textFrames() ? encoded : Base64.getEncoder().encode(encoded);
		ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + session.length() + 32);
		out.writeBytes(ID);
		out.writeBytes(eventId(session, seq).getBytes(StandardCharsets.US_ASCII));
		out.writeBytes(DATA);
		out.writeBytes(data);
		out.writeBytes(END);
		return out.toByteArray();
	}

	/** The last event of a stream whose session the server ended. */
	static byte[] close(CloseReason reason) {
		String json = "{\"code\":" + reason.code() + ",\"reason\":\"" + escape(reason.reason()) + "\"}";
		return ("event: close\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
	}

	static String eventId(String session, long seq) {
		return session + ":" + seq;
	}

	private static String escape(String text) {
		StringBuilder escaped = new StringBuilder(text.length());
		for (char c : text.toCharArray()) {
			if (c == '"' || c == '\\') {
				escaped.append('\\').append(c);
			}
			else if (c < 0x20) {
				escaped.append(String.format("\\u%04x", (int) c));
			}
			else {
				escaped.append(c);
			}
		}
		return escaped.toString();
	}

}
