package io.zmqws.rpc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import io.zmqws.socket.EndpointDefinition;
import io.zmqws.socket.SocketLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves the {@link ZmqRpc} methods on a ZeroMQ ROUTER socket, to REQ and DEALER clients
 * speaking the RPC envelope ({@code docs/rpc.md}).
 * <p>
 * Everything before a request's last frame is its envelope and goes back unchanged with
 * every answer. Calls run through the same {@link RpcDispatcher} as browser calls, off
 * this socket's thread; their answers come back to it as commands.
 */
public final class RpcRouterServer extends SocketLoop {

	private static final Log logger = LogFactory.getLog(RpcRouterServer.class);

	private final RpcDispatcher dispatcher;

	private final RpcEnvelope envelope;

	private final Map<String, Disposable> active = new HashMap<>();

	public RpcRouterServer(EndpointDefinition endpoint, ZMQ.Context context, RpcDispatcher dispatcher,
			JsonMapper mapper) {
		super(endpoint, context);
		this.dispatcher = dispatcher;
		this.envelope = new RpcEnvelope(mapper);
	}

	@Override
	protected SocketType socketType() {
		return SocketType.ROUTER;
	}

	@Override
	protected void onMessage(List<byte[]> frames) {
		if (frames.size() < 2) {
			return;
		}
		List<byte[]> route = List.copyOf(frames.subList(0, frames.size() - 1));
		byte[] payload = frames.get(frames.size() - 1);
		RpcEnvelope.Call call;
		try {
			call = this.envelope.readCall(payload);
		}
		catch (ZmqRpcException ex) {
			JsonNode id = this.envelope.idOf(payload);
			answer(route, this.envelope.writeError(id, ex.getCode(), ex.getMessage()));
			return;
		}
		String key = HexFormat.of().formatHex(route.get(0)) + "/" + call.id();
		if (call.cancel()) {
			Disposable running = this.active.remove(key);
			if (running != null) {
				running.dispose();
			}
			return;
		}
		RpcCallContext context = new RpcCallContext("zmq", HexFormat.of().formatHex(route.get(0)), null, null);
		Disposable running = this.dispatcher.call(call.method(), call.args(), call.kwargs(), null, context)
			.subscribe((reply) -> reply(route, this.envelope.writeReply(call.id(), reply)),
					(ex) -> reply(route, error(call.id(), ex)), () -> execute(() -> this.active.remove(key)));
		if (!running.isDisposed()) {
			this.active.put(key, running);
		}
	}

	private byte[] error(JsonNode id, Throwable ex) {
		if (ex instanceof ZmqRpcException rpc) {
			return this.envelope.writeError(id, rpc.getCode(), rpc.getMessage());
		}
		return this.envelope.writeError(id, "internal", "Internal error");
	}

	/** Queues an answer for this socket's thread. */
	private void reply(List<byte[]> route, byte[] payload) {
		if (!execute(() -> answer(route, payload))) {
			logger.warn("Dropped an RPC answer: the ROUTER socket's queue is full");
		}
	}

	private void answer(List<byte[]> route, byte[] payload) {
		List<byte[]> frames = new ArrayList<>(route.size() + 1);
		frames.addAll(route);
		frames.add(payload);
		sendMultipart(List.of(), frames);
	}

	@Override
	protected void onStop() {
		this.active.values().forEach(Disposable::dispose);
		this.active.clear();
	}

}
