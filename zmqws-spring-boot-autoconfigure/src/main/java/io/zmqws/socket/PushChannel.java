package io.zmqws.socket;

import java.util.List;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import reactor.core.publisher.Mono;

/**
 * Fire-and-forget messages to PULL backends over one PUSH socket.
 */
public final class PushChannel extends SocketLoop {

	public PushChannel(EndpointDefinition endpoint, ZMQ.Context context) {
		super(endpoint, context);
	}

	@Override
	protected SocketType socketType() {
		return SocketType.PUSH;
	}

	@Override
	protected boolean readable() {
		return false;
	}

	/**
	 * Hands a message to ZeroMQ; completes once queued for sending, or fails with a
	 * {@link ZmqSocketException}.
	 */
	public Mono<Void> push(List<byte[]> frames) {
		if (Frames.size(frames) > endpoint().options().maxMessageSize()) {
			return Mono.error(new ZmqSocketException(ZmqSocketException.Reason.TOO_LARGE,
					"Message exceeds the endpoint's maximum message size"));
		}
		return send(List.of(), frames);
	}

}
