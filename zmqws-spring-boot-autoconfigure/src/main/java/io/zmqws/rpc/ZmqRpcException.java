package io.zmqws.rpc;

import java.util.regex.Pattern;

/**
 * Ends an RPC call with an error whose code and message the caller sees as they are.
 * <p>
 * Throw it (or return it in an error signal) from a {@link ZmqRpc} method to choose the
 * code, e.g. {@code throw new ZmqRpcException("insufficient_funds", "Balance too low")}.
 * Any other exception reaches the caller as {@code internal} with a generic message.
 */
public class ZmqRpcException extends RuntimeException {

	private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

	private final String code;

	/**
	 * @param code a stable code: lower-case letters, digits and {@code _}, starting with a
	 * letter
	 * @param message a message for the caller
	 */
	public ZmqRpcException(String code, String message) {
		super(message, null, false, false);
		if (!CODE.matcher(code).matches()) {
			throw new IllegalArgumentException("Invalid error code '" + code + "'");
		}
		this.code = code;
	}

	/** The code the caller sees. */
	public String getCode() {
		return this.code;
	}

}
