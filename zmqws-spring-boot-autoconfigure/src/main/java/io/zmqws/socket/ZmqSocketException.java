package io.zmqws.socket;

/**
 * Why a ZeroMQ operation did not complete.
 */
public class ZmqSocketException extends RuntimeException {

	/** The reasons an operation can fail. */
	public enum Reason {

		/** No reply within the timeout. */
		TIMEOUT,
		/** The endpoint's queues or pending-request limit are full. */
		OVERLOADED,
		/** No backend is connected to take the message. */
		BACKEND_UNAVAILABLE,
		/** The message exceeds the endpoint's maximum size. */
		TOO_LARGE,
		/** The endpoint is shutting down or the operation was abandoned. */
		CANCELLED

	}

	private final Reason reason;

	public ZmqSocketException(Reason reason, String message) {
		super(message, null, false, false);
		this.reason = reason;
	}

	public Reason getReason() {
		return this.reason;
	}

}
