package io.zmqws.protocol;

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

}
