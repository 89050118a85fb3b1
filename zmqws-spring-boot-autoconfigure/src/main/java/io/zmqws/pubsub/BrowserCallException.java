package io.zmqws.pubsub;

/**
 * A server-to-browser call that did not produce an answer.
 */
public class BrowserCallException extends RuntimeException {

	/** Why a call failed. */
	public enum Reason {

		/** No connected client has the function. */
		NO_CLIENT,
		/** The client did not answer in time. */
		TIMEOUT,
		/** The client's function failed; the message is the client's. */
		CLIENT_ERROR,
		/** The connection closed before the answer came. */
		DISCONNECTED,
		/** Too many calls already await this client's answers. */
		BUSY

	}

	private final Reason reason;

	public BrowserCallException(Reason reason, String message) {
		super(message, null, false, false);
		this.reason = reason;
	}

	public Reason getReason() {
		return this.reason;
	}

}
