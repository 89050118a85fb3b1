package io.zmqws.socket;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link RequestChannel} over one JeroMQ DEALER socket on a thread of its own: the
 * implementation for endpoints that bind, and for connecting ones when
 * {@code zmqws.zmq.request-engine} is {@code jeromq}.
 */
public final class DealerRequestChannel extends SocketLoop implements RequestChannel {

	private final PendingRequests pending;

	public DealerRequestChannel(EndpointDefinition endpoint, ZMQ.Context context) {
		super(endpoint, context);
		this.pending = new PendingRequests(endpoint, new PendingRequests.Owner() {

			@Override
			public boolean execute(Runnable command) {
				return DealerRequestChannel.this.execute(command);
			}

			@Override
			public Object send(List<byte[]> envelope, List<byte[]> frames) {
				boolean noPeer = endpoint().options().immediate() && connectedPeers() == 0;
				return (noPeer || !sendMultipart(envelope, frames)) ? null : DealerRequestChannel.this;
			}

		});
	}

	@Override
	protected SocketType socketType() {
		return SocketType.DEALER;
	}

	@Override
	public Mono<List<byte[]>> request(List<byte[]> frames, Duration timeout) {
		return this.pending.request(frames, timeout);
	}

	@Override
	public Flux<List<byte[]>> requestStream(List<byte[]> frames, Duration idleTimeout,
			Predicate<List<byte[]>> isLast) {
		return this.pending.requestStream(frames, idleTimeout, isLast);
	}

	@Override
	public Mono<Void> post(List<byte[]> frames) {
		return Mono.defer(() -> send(this.pending.postEnvelope(), frames));
	}

	@Override
	public long droppedReplies() {
		return this.pending.droppedReplies();
	}

	@Override
	protected void onMessage(List<byte[]> frames) {
		this.pending.onReply(frames);
	}

	@Override
	protected long nextTimer() {
		return this.pending.nextDeadline();
	}

	@Override
	protected void onTimer(long now) {
		this.pending.expire(now);
	}

	/**
	 * With {@code immediate}, losing the last backend fails every pending request at once:
	 * their replies can no longer arrive.
	 */
	@Override
	protected void onPeersChanged(int peers) {
		if (peers == 0 && endpoint().options().immediate()) {
			this.pending.failAll(ZmqSocketException.Reason.BACKEND_UNAVAILABLE, "Connection to the backend was lost");
		}
	}

	@Override
	protected void onStop() {
		this.pending.failAll(ZmqSocketException.Reason.CANCELLED, "Gateway is stopping");
	}

}
