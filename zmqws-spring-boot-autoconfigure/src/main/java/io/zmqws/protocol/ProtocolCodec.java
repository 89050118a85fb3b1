package io.zmqws.protocol;

import java.util.List;

/**
 * Turns wire bytes into {@link ClientMessage}s and {@link ServerMessage}s into wire bytes.
 */
public interface ProtocolCodec {

	/** The WebSocket subprotocol that selects this codec, e.g. {@code zmqws.v1.json}. */
	String subprotocol();

	/** Whether messages travel in text (rather than binary) WebSocket frames. */
	boolean textFrames();

	/**
	 * Decodes one client message.
	 * @throws ProtocolException with a stable code when the bytes are not a valid message
	 */
	ClientMessage decode(byte[] bytes);

	/** Encodes one server message. */
	byte[] encode(ServerMessage message);

	/**
	 * Splits a batch of client messages (the body of an HTTP {@code POST} on the fallback
	 * transport) into one byte array per message, in order, without decoding them.
	 * @throws ProtocolException with {@link ErrorCode#BAD_MESSAGE} when the batch cannot be split
	 */
	List<byte[]> split(byte[] batch);

}
