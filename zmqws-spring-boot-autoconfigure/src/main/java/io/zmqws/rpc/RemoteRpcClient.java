package io.zmqws.rpc;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.zmqws.socket.RequestChannel;
import io.zmqws.socket.ZmqSocketException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.LongNode;
import reactor.core.publisher.Flux;

/**
 * Calls methods of a remote ZeroMQ RPC service that speaks the zmqws RPC envelope,
 * through an endpoint of type {@code RPC}.
 * <p>
 * Replies are matched by the request channel's correlation envelope; a streaming call
 * ends with {@code done} (or an error) and each item resets the timeout. Cancelling sends
 * a best-effort {@code cancel} to the service.
 */
final class RemoteRpcClient {

	private final RequestChannel channel;

	private final RpcEnvelope envelope;

	private final AtomicLong ids = new AtomicLong();

	RemoteRpcClient(RequestChannel channel, RpcEnvelope envelope) {
		this.channel = channel;
		this.envelope = envelope;
	}

	Duration defaultTimeout() {
		return this.channel.endpoint().options().requestTimeout();
	}

	Flux<RpcReply> call(String method, JsonNode args, JsonNode kwargs, Duration timeout) {
		JsonNode id = LongNode.valueOf(this.ids.incrementAndGet());
		byte[] payload = this.envelope.writeCall(id, method, args, kwargs);
		return this.channel.requestStream(List.of(payload), timeout, this::isLast)
			.map((frames) -> this.envelope.readReply(frames.get(frames.size() - 1)))
			.onErrorMap(ZmqSocketException.class, RemoteRpcClient::toRpcException)
			.doOnCancel(() -> this.channel.post(List.of(this.envelope.writeCancel(id))).subscribe(null, (ex) -> {
			}));
	}

	private boolean isLast(List<byte[]> frames) {
		try {
			return this.envelope.readReply(frames.get(frames.size() - 1)).kind() != RpcReply.Kind.ITEM;
		}
		catch (ZmqRpcException ex) {
			return true;
		}
	}

	static ZmqRpcException toRpcException(ZmqSocketException ex) {
		String code = switch (ex.getReason()) {
			case TIMEOUT -> "timeout";
			case OVERLOADED -> "overloaded";
			case BACKEND_UNAVAILABLE -> "backend_unavailable";
			case TOO_LARGE -> "message_too_large";
			case CANCELLED -> "cancelled";
		};
		return new ZmqRpcException(code, ex.getMessage());
	}

}
