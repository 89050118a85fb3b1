package io.zmqws.session;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.zmqws.protocol.ClientMessage;
import io.zmqws.protocol.ErrorCode;
import io.zmqws.protocol.ProtocolException;
import io.zmqws.protocol.ServerMessage;
import io.zmqws.rpc.RpcCallContext;
import io.zmqws.rpc.RpcDispatcher;
import io.zmqws.rpc.RpcReply;
import io.zmqws.rpc.ZmqRpcException;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.SignalType;

/**
 * The RPC calls of one session: starts them, relays their results, cancels them.
 */
final class SessionCalls {

	private final RpcDispatcher dispatcher;

	private final Supplier<RpcCallContext> context;

	private final AtomicInteger pending;

	private final int maxPending;

	private final Consumer<ServerMessage> send;

	private final SessionOutbound outbound;

	/** Items a streaming call may have produced ahead of the client. */
	private static final int WINDOW = 32;

	private final OnFirstUse<Map<Long, CallSubscriber>> calls = new OnFirstUse<>(ConcurrentHashMap::new);

	SessionCalls(RpcDispatcher dispatcher, Supplier<RpcCallContext> context, AtomicInteger pending, int maxPending,
			SessionOutbound outbound, Consumer<ServerMessage> send) {
		this.outbound = outbound;
		this.dispatcher = dispatcher;
		this.context = context;
		this.pending = pending;
		this.maxPending = maxPending;
		this.send = send;
	}

	void call(ClientMessage.Call call) {
		if (this.dispatcher == null) {
			throw new ProtocolException(ErrorCode.UNKNOWN_METHOD, "No RPC methods are available", call.op(), null,
					call.id());
		}
		if (this.calls.get().containsKey(call.id())) {
			throw new ProtocolException(ErrorCode.INVALID_FIELD, "Call " + call.id() + " is already in progress",
					call.op(), null, call.id());
		}
		if (this.pending.incrementAndGet() > this.maxPending) {
			this.pending.decrementAndGet();
			throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
					"At most " + this.maxPending + " requests and calls may be pending", call.op(), null, call.id());
		}
		CallSubscriber subscriber = new CallSubscriber(call.id());
		this.calls.get().put(call.id(), subscriber);
		Duration timeout = (call.timeoutMillis() > 0) ? Duration.ofMillis(call.timeoutMillis()) : null;
		this.dispatcher.call(call.method(), call.args(), call.kwargs(), timeout, this.context.get()).subscribe(subscriber);
	}

	void cancel(ClientMessage.Cancel cancel) {
		Map<Long, CallSubscriber> calls = this.calls.ifCreated();
		CallSubscriber subscriber = (calls != null) ? calls.remove(cancel.id()) : null;
		if (subscriber == null) {
			throw new ProtocolException(ErrorCode.UNKNOWN_CALL, "No call " + cancel.id() + " is in progress",
					cancel.op(), null, cancel.id());
		}
		subscriber.dispose();
	}

	void methods(ClientMessage.Methods methods) {
		if (this.dispatcher == null) {
			this.send.accept(new ServerMessage.MethodList(java.util.List.of()));
			return;
		}
		this.dispatcher.describe(this.context.get())
			.subscribe((list) -> this.send.accept(new ServerMessage.MethodList(list)),
					(ex) -> this.send.accept(new ServerMessage.Error(ErrorCode.INTERNAL, "Internal error", null, null,
							methods.op())));
	}

	/** Cancels every call in progress. */
	void close() {
		Map<Long, CallSubscriber> calls = this.calls.ifCreated();
		if (calls != null) {
			calls.values().forEach(CallSubscriber::dispose);
			calls.clear();
		}
	}

	/** Relays one call's signals to the client. */
	private final class CallSubscriber extends BaseSubscriber<RpcReply> {

		private final long id;

		CallSubscriber(long id) {
			this.id = id;
		}

		@Override
		protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
			subscription.request(WINDOW);
		}

		@Override
		protected void hookOnNext(RpcReply reply) {
			switch (reply.kind()) {
				case RESULT -> SessionCalls.this.send.accept(new ServerMessage.Result(this.id, reply.value()));
				case ITEM -> {
					SessionCalls.this.send.accept(new ServerMessage.Item(this.id, reply.value()));
					SessionCalls.this.outbound.whenRoom(() -> request(1));
				}
				case DONE -> SessionCalls.this.send.accept(new ServerMessage.Done(this.id));
			}
		}

		@Override
		protected void hookOnError(Throwable failure) {
			String code = (failure instanceof ZmqRpcException rpc) ? rpc.getCode() : ErrorCode.INTERNAL.code();
			String message = (failure instanceof ZmqRpcException) ? failure.getMessage() : "Internal error";
			SessionCalls.this.send.accept(new ServerMessage.Error(code, message, null, this.id, "call"));
		}

		@Override
		protected void hookFinally(SignalType type) {
			SessionCalls.this.calls.get().remove(this.id, this);
			SessionCalls.this.pending.decrementAndGet();
			SessionCalls.this.outbound.wakeRoomWaiters();
		}

	}

}
