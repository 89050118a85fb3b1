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
		return Mono.create(sink -> {
			if (Frames.size(frames) > endpoint().options().maxMessageSize()) {
				sink.error(new ZmqSocketException(ZmqSocketException.Reason.TOO_LARGE,
						"Message exceeds the endpoint's maximum message size"));
				return;
			}
			boolean queued = execute(() -> {
				boolean noPeer = endpoint().options().immediate() && connectedPeers() == 0;
				if (!noPeer && sendMultipart(List.of(), frames)) {
					sink.success();
				}
				else {
					sink.error(new ZmqSocketException(ZmqSocketException.Reason.BACKEND_UNAVAILABLE,
							"No backend of endpoint '" + endpoint().name() + "' can take the message"));
				}
			});
			if (!queued) {
				sink.error(new ZmqSocketException(ZmqSocketException.Reason.OVERLOADED,
						"Endpoint '" + endpoint().name() + "' is not accepting messages"));
			}
		});
	}

}
