package io.zmqws.rpc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.zmqws.socket.EndpointDefinition;
import io.zmqws.socket.SocketLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Subscription;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.SignalType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves the {@link ZmqRpc} methods on a ZeroMQ ROUTER socket, to REQ and DEALER clients
 * speaking the RPC envelope ({@code docs/rpc.md}).
 * <p>
 * Everything before a request's last frame is its envelope and goes back unchanged with
 * every answer. Calls run through the same {@link RpcDispatcher} as browser calls; their
 * answers are sent on this socket's thread. A streaming call has at most
 * {@value #WINDOW} answers waiting to be sent, so a fast stream cannot flood the socket;
 * a client that has gone away (ZeroMQ reports it unreachable) has its calls cancelled.
 */
public final class RpcRouterServer extends SocketLoop {

	private static final Log logger = LogFactory.getLog(RpcRouterServer.class);

	static final int WINDOW = 64;

	private final RpcDispatcher dispatcher;

	private final RpcEnvelope envelope;

	private final Map<String, RouterCall> active = new HashMap<>();

	/** Calls whose next answer ZeroMQ could not take yet (the client reads slowly). */
	private final ArrayDeque<RouterCall> blocked = new ArrayDeque<>();

	private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	private static final long GIVE_UP_NANOS = TimeUnit.SECONDS.toNanos(30);

	private long nextRetry = Long.MAX_VALUE;

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
	protected void configure(ZMQ.Socket socket) {
		socket.setRouterMandatory(true);
	}

	/** Calls in progress, for tests and monitoring. */
	public int activeCalls() {
		return this.active.size();
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
			send(route, this.envelope.writeError(this.envelope.idOf(payload), ex.getCode(), ex.getMessage()));
			return;
		}
		String client = HexFormat.of().formatHex(route.get(0));
		String key = client + "/" + call.id();
		if (call.cancel()) {
			RouterCall running = this.active.remove(key);
			if (running != null) {
				running.dispose();
			}
			return;
		}
		if (this.active.containsKey(key)) {
			send(route, this.envelope.writeError(call.id(), "duplicate_id",
					"A call with this id is already in progress"));
			return;
		}
		RouterCall running = new RouterCall(key, client, route, call.id());
		this.active.put(key, running);
		RpcCallContext context = new RpcCallContext("zmq", client, null, null);
		this.dispatcher.call(call.method(), call.args(), call.kwargs(), null, context).subscribe(running);
	}

	/** Sends on this thread, dropping the answer if ZeroMQ cannot take it. */
	private void send(List<byte[]> route, byte[] payload) {
		trySend(route, payload);
	}

	/**
	 * Sends on this thread; returns {@link Sent#BLOCKED} when the client's queue is full
	 * and {@link Sent#GONE} (having cancelled its calls) when the client is unreachable.
	 */
	private Sent trySend(List<byte[]> route, byte[] payload) {
		List<byte[]> frames = new ArrayList<>(route.size() + 1);
		frames.addAll(route);
		frames.add(payload);
		if (sendMultipart(List.of(), frames)) {
			return Sent.DONE;
		}
		if (ZMQ.Error.findByCode(socket().errno()) == ZMQ.Error.EHOSTUNREACH) {
			forgetClient(HexFormat.of().formatHex(route.get(0)));
			return Sent.GONE;
		}
		return Sent.BLOCKED;
	}

	private record Answer(byte[] payload, boolean more) {
	}

	private enum Sent {

		DONE, BLOCKED, GONE

	}

	@Override
	protected long nextTimer() {
		return this.nextRetry;
	}

	@Override
	protected void onTimer(long now) {
		int waiting = this.blocked.size();
		for (int i = 0; i < waiting; i++) {
			RouterCall call = this.blocked.poll();
			if (!call.retry(now)) {
				this.blocked.add(call);
			}
		}
		this.nextRetry = this.blocked.isEmpty() ? Long.MAX_VALUE : now + RETRY_NANOS;
	}

	private void block(RouterCall call, long now) {
		this.blocked.add(call);
		if (this.nextRetry == Long.MAX_VALUE) {
			this.nextRetry = now + RETRY_NANOS;
		}
	}

	private void forgetClient(String client) {
		List<RouterCall> gone = this.active.values()
			.stream()
			.filter((call) -> call.client.equals(client))
			.toList();
		gone.forEach((call) -> {
			this.active.remove(call.key, call);
			call.dispose();
		});
	}

	@Override
	protected void onStop() {
		new ArrayList<>(this.active.values()).forEach(RouterCall::dispose);
		this.active.clear();
	}

	/** One call from a ZeroMQ client, relaying its answers with a bounded window. */
	private final class RouterCall extends BaseSubscriber<RpcReply> {

		private final String key;

		private final String client;

		private final List<byte[]> route;

		private final JsonNode id;

		/** Answers ZeroMQ could not take yet, in order; at most the window's worth. */
		private final ArrayDeque<Answer> waiting = new ArrayDeque<>();

		private long blockedSince;

		RouterCall(String key, String client, List<byte[]> route, JsonNode id) {
			this.key = key;
			this.client = client;
			this.route = route;
			this.id = id;
		}

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			subscription.request(WINDOW);
		}

		@Override
		protected void hookOnNext(RpcReply reply) {
			answer(RpcRouterServer.this.envelope.writeReply(this.id, reply), true);
		}

		@Override
		protected void hookOnError(Throwable failure) {
			String code = (failure instanceof ZmqRpcException rpc) ? rpc.getCode() : "internal";
			String message = (failure instanceof ZmqRpcException) ? failure.getMessage() : "Internal error";
			answer(RpcRouterServer.this.envelope.writeError(this.id, code, message), false);
		}

		@Override
		protected void hookFinally(SignalType type) {
			onLoop(() -> RpcRouterServer.this.active.remove(this.key, this));
		}

		private void answer(byte[] payload, boolean more) {
			onLoop(() -> {
				if (!this.waiting.isEmpty()) {
					this.waiting.add(new Answer(payload, more));
					return;
				}
				Sent sent = trySend(this.route, payload);
				if (sent == Sent.DONE) {
					next(more);
				}
				else if (sent == Sent.BLOCKED) {
					this.waiting.add(new Answer(payload, more));
					this.blockedSince = System.nanoTime();
					block(this, this.blockedSince);
				}
			});
		}

		/** Sends what waits, in order; returns whether nothing is left waiting. */
		boolean retry(long now) {
			Answer answer;
			while ((answer = this.waiting.peek()) != null) {
				Sent sent = trySend(this.route, answer.payload());
				if (sent == Sent.BLOCKED) {
					if (now - this.blockedSince > GIVE_UP_NANOS) {
						logger.warn("An RPC client has not read its answers for 30 s; ending its call");
						this.waiting.clear();
						dispose();
						return true;
					}
					return false;
				}
				this.waiting.poll();
				if (sent == Sent.GONE) {
					this.waiting.clear();
					return true;
				}
				this.blockedSince = now;
				next(answer.more());
			}
			return true;
		}

		/** Asks for the next answer without growing this thread's stack. */
		private void next(boolean more) {
			if (more && !execute(() -> request(1))) {
				request(1);
			}
		}

		private void onLoop(Runnable action) {
			if (inLoop()) {
				action.run();
			}
			else if (!execute(action)) {
				logger.warn("RPC answer dropped: the ROUTER socket's queue is full; ending the call");
				dispose();
			}
		}

	}

}
