package io.zmqws.protocol;

/**
 * A client message that cannot be decoded or obeyed; carries what the error reply needs.
 */
public class ProtocolException extends RuntimeException {

	private final ErrorCode code;

	private final Long sid;

	private final Long id;

	private final String op;

	public ProtocolException(ErrorCode code, String message) {
		this(code, message, null, null, null);
	}

	public ProtocolException(ErrorCode code, String message, String op, Long sid, Long id) {
		super(message, null, false, false);
		this.code = code;
		this.op = op;
		this.sid = sid;
		this.id = id;
	}

	public ErrorCode getCode() {
		return this.code;
	}

	public Long getSid() {
		return this.sid;
	}

	public Long getId() {
		return this.id;
	}

	public String getOp() {
		return this.op;
	}

	/** The error message that answers this failure. */
	public ServerMessage.Error toError() {
		return new ServerMessage.Error(this.code, getMessage(), this.sid, this.id, this.op);
	}

}
