package io.zmqws.session;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.zmqws.protocol.ClientMessage;
import io.zmqws.protocol.CloseCodes;
import io.zmqws.protocol.ErrorCode;
import io.zmqws.protocol.ProtocolException;
import io.zmqws.protocol.ServerMessage;
import io.zmqws.pubsub.BrowserConnection;
import io.zmqws.pubsub.ConnectionRegistry;
import io.zmqws.pubsub.EventGuard;
import io.zmqws.rpc.RpcCallContext;
import io.zmqws.rpc.RpcDispatcher;
import io.zmqws.security.AccessPolicy;
import io.zmqws.security.AccessRequest;
import io.zmqws.security.CredentialExpiry;
import io.zmqws.security.TokenAuthenticator;
import io.zmqws.socket.EndpointType;
import io.zmqws.socket.PushChannel;
import io.zmqws.socket.RequestChannel;
import io.zmqws.socket.ZmqEndpoint;
import io.zmqws.socket.SubscriptionHub;
import io.zmqws.socket.ZmqEndpoints;
import io.zmqws.socket.ZmqSocketException;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;

/**
 * One client connection: its virtual sockets, what they have in flight, and the bounded
 * queue of messages on their way to the client.
 * <p>
 * {@link #handle(ClientMessage)} is called by the transport, one message at a time, and
 * never blocks; replies and published messages arrive from the endpoints' threads and
 * only enter the outbound queue.
 */
public final class ZmqwsSession implements BrowserConnection {

	private static final Log logger = LogFactory.getLog(ZmqwsSession.class);

	private final SessionInfo info;

	private final ZmqEndpoints endpoints;

	private final ConnectionRegistry connections;

	private final SessionCalls calls;

	private final SessionFunctions functions;

	private final OnFirstUse<Set<String>> paths = new OnFirstUse<>(ConcurrentHashMap::newKeySet);

	private final AccessPolicy accessPolicy;

	private final InboundRateLimit rateLimit;

	private final TokenAuthenticator tokenAuthenticator;

	private final GuardDecisions guardDecisions;

	private volatile Disposable expiry = Disposables.disposed();

	private volatile Principal principal;

	private final SessionSettings settings;

	private final SessionOutbound outbound;

	private final Mono<Void> outboundRoom;

	private final Map<Long, VirtualSocket> sockets = new ConcurrentHashMap<>();

	private final AtomicInteger pendingRequests = new AtomicInteger();

	private final AtomicInteger subscriptions = new AtomicInteger();

	private volatile CloseReason closeReason;

	private volatile boolean closed;

	private final Sinks.Empty<Void> closedSignal = Sinks.empty();

	/**
	 * @param info what the transport knows of the connection
	 * @param services what all sessions share
	 */
	public ZmqwsSession(SessionInfo info, SessionServices services) {
		ZmqEndpoints endpoints = services.endpoints();
		ConnectionRegistry connections = services.connections();
		SessionSettings settings = services.settings();
		RpcDispatcher rpc = services.rpc();
		this.info = info;
		this.principal = info.principal();
		this.accessPolicy = services.accessPolicy();
		this.tokenAuthenticator = services.tokenAuthenticator();
		this.guardDecisions = new GuardDecisions(settings.guardCacheTtl());
		this.rateLimit = new InboundRateLimit(settings.maxMessagesPerSecond(), System.nanoTime());
		this.endpoints = endpoints;
		this.connections = connections;
		this.settings = settings;
		this.outbound = new SessionOutbound(settings.outboundCapacity(), settings.overflowPolicy(), this::closeWith,
				this.pendingRequests::get);
		this.outboundRoom = Mono.create((sink) -> this.outbound.whenRoom(sink::success));
		this.calls = new SessionCalls(rpc,
				() -> new RpcCallContext(info.transport(), info.id(), this.principal, info.remoteAddress()),
				this.pendingRequests, settings.maxPendingRequests(), this.outbound, this::send);
		this.functions = new SessionFunctions(settings.maxFunctions(), settings.maxPendingRequests(),
				this.outbound::offer);
		this.outbound.offer(new ServerMessage.Welcome(info.protocol(), info.id(),
				(info.principal() != null) ? info.principal().getName() : null, info.transport(), info.http(),
				new ServerMessage.Limits(settings.maxMessageSize(), settings.maxSockets(), settings.maxSubscriptions(),
						settings.maxPendingRequests(), info.maxBatchSize())));
		connections.add(this);
		scheduleExpiry();
	}

	/** The id of the browser's web session, or {@code null}. */
	public String webSessionId() {
		return this.info.webSessionId();
	}

	private void scheduleExpiry() {
		this.expiry.dispose();
		Instant expiresAt = CredentialExpiry.of(this.principal);
		if (expiresAt != null) {
			Duration left = Duration.between(Instant.now(), expiresAt);
			this.expiry = Mono.delay(left.isNegative() ? Duration.ZERO : left)
				.subscribe((tick) -> closeWith(new CloseReason(CloseCodes.POLICY_VIOLATION, "Credentials expired")));
		}
	}

	private Mono<Void> authenticate(ClientMessage.Auth auth) {
		if (this.tokenAuthenticator == null) {
			reject(new ProtocolException(ErrorCode.UNAUTHENTICATED, "This server accepts no in-band tokens", auth.op(),
					null, null));
			return Mono.empty();
		}
		return this.tokenAuthenticator.authenticate(auth.token()).doOnNext((authenticated) -> {
			Principal current = this.principal;
			if (current != null && !current.getName().equals(authenticated.getName())) {
				reject(new ProtocolException(ErrorCode.UNAUTHENTICATED, "The token is for another user", auth.op(),
						null, null));
				return;
			}
			if (current == null && this.connections.ofUser(authenticated.getName())
				.size() >= this.settings.maxConnectionsPerUser()) {
				reject(new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
						"At most " + this.settings.maxConnectionsPerUser() + " connections per user are allowed",
						auth.op(), null, null));
				return;
			}
			this.principal = authenticated;
			this.guardDecisions.clear();
			scheduleExpiry();
			Instant expiresAt = CredentialExpiry.of(authenticated);
			send(new ServerMessage.Authenticated(authenticated.getName(),
					(expiresAt != null) ? expiresAt.getEpochSecond() : null));
		})
			.switchIfEmpty(Mono.fromRunnable(() -> reject(new ProtocolException(ErrorCode.UNAUTHENTICATED,
					"The token is not valid", auth.op(), null, null))))
			.onErrorResume((ex) -> {
				reject(new ProtocolException(ErrorCode.UNAUTHENTICATED, "The token is not valid", auth.op(), null,
						null));
				return Mono.empty();
			})
			.then();
	}

	@Override
	public String id() {
		return this.info.id();
	}

	@Override
	public Principal principal() {
		return this.principal;
	}

	/** The messages for the client; completes when the session ends. One subscriber only. */
	public Flux<ServerMessage> outbound() {
		return this.outbound.flux();
	}

	/**
	 * The messages for the client, each encoded by {@code encoder} as it leaves the queue;
	 * completes when the session ends. One subscriber only. A subscriber that fuses with it
	 * ({@code Fuseable.ASYNC}) polls the session's queue directly.
	 */
	public <T> Publisher<T> outbound(Function<? super ServerMessage, ? extends T> encoder) {
		return this.outbound.encoded(encoder);
	}

	/** Completes when the session closes. */
	public Mono<Void> whenClosed() {
		return this.closedSignal.asMono();
	}

	/** Why the gateway ended the session, or {@code null} if it did not. */
	public CloseReason closeReason() {
		return this.closeReason;
	}

	/** The largest client message accepted, in bytes. */
	public long maxMessageSize() {
		return this.settings.maxMessageSize();
	}

	/** Published messages dropped because the client read too slowly. */
	public long droppedMessages() {
		return this.outbound.droppedTotal();
	}

	/**
	 * Completes once the client's outbound queue, counting the answers it is still owed,
	 * is at most half full, or once the session is closed. Transports read the client's
	 * next message only then: a client that sends faster than its answers can be written
	 * is slowed down (its transport stops reading) rather than closed as too slow.
	 */
	public Mono<Void> outboundRoom() {
		return this.outboundRoom;
	}

	/** Handles one message from the client. */
	public Mono<Void> handle(ClientMessage message) {
		if (this.closed) {
			return Mono.empty();
		}
		if (message instanceof ClientMessage.Auth auth) {
			return authenticate(auth);
		}
		AccessRequest access = accessRequest(message);
		if (access == null) {
			dispatch(message);
			return Mono.empty();
		}
		return this.accessPolicy.isAllowed(access, principal()).defaultIfEmpty(false).doOnNext((allowed) -> {
			if (allowed) {
				dispatch(message);
			}
			else {
				reject(forbidden(message));
			}
		}).onErrorResume((ex) -> {
			logger.error("Access decision failed on session " + id(), ex);
			reject(forbidden(message));
			return Mono.empty();
		}).then();
	}

	/** Applies the inbound rate limit; called for every message, decodable or not. */
	public boolean withinRate() {
		InboundRateLimit.Verdict verdict;
		synchronized (this.rateLimit) {
			verdict = this.rateLimit.check(System.nanoTime());
		}
		switch (verdict) {
			case ACCEPT:
				return true;
			case REFUSE_AND_TELL:
				send(new ServerMessage.Error(ErrorCode.RATE_LIMITED, "At most " + this.settings.maxMessagesPerSecond()
						+ " messages per second are allowed; messages are being dropped", null, null, null));
				return false;
			case DISCONNECT:
				closeWith(new CloseReason(CloseCodes.POLICY_VIOLATION, "Message rate limit exceeded"));
				return false;
			default:
				return false;
		}
	}

	private AccessRequest accessRequest(ClientMessage message) {
		if (message instanceof ClientMessage.Open open) {
			return new AccessRequest.Endpoint(open.endpoint());
		}
		if (message instanceof ClientMessage.Subscribe subscribe) {
			VirtualSocket socket = this.sockets.get(subscribe.sid());
			return (socket != null) ? new AccessRequest.Topic(socket.endpoint().endpoint().name(), subscribe.topic())
					: null;
		}
		if (message instanceof ClientMessage.SubscribePath subscribe) {
			return new AccessRequest.Path(subscribe.path());
		}
		return null;
	}

	private static ProtocolException forbidden(ClientMessage message) {
		Long sid = null;
		if (message instanceof ClientMessage.Open open) {
			sid = open.sid();
		}
		else if (message instanceof ClientMessage.Subscribe subscribe) {
			sid = subscribe.sid();
		}
		return new ProtocolException(ErrorCode.FORBIDDEN, "Not allowed", message.op(), sid, null);
	}

	private void dispatch(ClientMessage message) {
		try {
			if (message instanceof ClientMessage.Request request) {
				request(request);
			}
			else if (message instanceof ClientMessage.Open open) {
				open(open);
			}
			else if (message instanceof ClientMessage.Close close) {
				closeSocket(close);
			}
			else if (message instanceof ClientMessage.Subscribe subscribe) {
				subscribe(subscribe);
			}
			else if (message instanceof ClientMessage.Unsubscribe unsubscribe) {
				unsubscribe(unsubscribe);
			}
			else if (message instanceof ClientMessage.Push push) {
				push(push);
			}
			else if (message instanceof ClientMessage.Call call) {
				this.calls.call(call);
			}
			else if (message instanceof ClientMessage.Cancel cancel) {
				this.calls.cancel(cancel);
			}
			else if (message instanceof ClientMessage.Methods methods) {
				this.calls.methods(methods);
			}
			else if (message instanceof ClientMessage.SubscribePath subscribe) {
				subscribePath(subscribe);
			}
			else if (message instanceof ClientMessage.UnsubscribePath unsubscribe) {
				unsubscribePath(unsubscribe);
			}
			else if (message instanceof ClientMessage.Register register) {
				this.functions.register(register);
			}
			else if (message instanceof ClientMessage.Unregister unregister) {
				this.functions.unregister(unregister);
			}
			else if (message instanceof ClientMessage.Return answer) {
				this.functions.answer(answer);
			}
			else if (message instanceof ClientMessage.Ping ping) {
				send(new ServerMessage.Pong(ping.id()));
			}
		}
		catch (ProtocolException ex) {
			reject(ex);
		}
	}

	/** Answers a message that could not be decoded or obeyed. */
	public void reject(ProtocolException ex) {
		send(ex.toError());
	}

	/** Ends the session from the gateway's side; the transport closes with the reason. */
	public void closeWith(CloseReason reason) {
		if (this.closeReason == null) {
			this.closeReason = reason;
		}
		this.outbound.abort();
		close();
	}

	/** Releases everything the session holds. Safe to call more than once. */
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.expiry.dispose();
		this.connections.remove(this);
		for (VirtualSocket socket : this.sockets.values()) {
			socket.close();
		}
		this.sockets.clear();
		this.calls.close();
		this.functions.close();
		this.outbound.complete();
		this.closedSignal.tryEmitEmpty();
	}

	private void subscribePath(ClientMessage.SubscribePath subscribe) {
		Set<String> paths = this.paths.get();
		if (!paths.contains(subscribe.path())) {
			if (this.subscriptions.incrementAndGet() > this.settings.maxSubscriptions()) {
				this.subscriptions.decrementAndGet();
				throw new ProtocolException(ErrorCode.LIMIT_EXCEEDED,
						"At most " + this.settings.maxSubscriptions() + " subscriptions are allowed", subscribe.op(),
						null, null);
			}
			paths.add(subscribe.path());
			this.connections.subscribe(this, subscribe.path());
		}
		send(new ServerMessage.PathSubscribed(subscribe.path()));
	}

	private void unsubscribePath(ClientMessage.UnsubscribePath unsubscribe) {
		Set<String> paths = this.paths.ifCreated();
		if (paths != null && paths.remove(unsubscribe.path())) {
			this.subscriptions.decrementAndGet();
			this.connections.unsubscribe(this, unsubscribe.path());
		}
		send(new ServerMessage.PathUnsubscribed(unsubscribe.path()));
	}

	@Override
	public boolean hasFunction(String name) {
		return this.functions.has(name);
	}

	@Override
	public boolean invoke(String function, List<JsonNode> args) {
		return !this.closed && this.functions.invoke(function, args);
	}

	@Override
	public Mono<JsonNode> ask(String function, List<JsonNode> args, Duration timeout) {
		return this.functions.ask(function, args, timeout);
	}

	@Override
	public boolean deliver(String path, JsonNode data) {
		return !this.closed && this.outbound.offer(new ServerMessage.Event(path, data));
	}

	@Override
	public void deliver(String path, JsonNode data, EventGuard guard) {
		if (this.closed) {
			return;
		}
		Boolean cached = this.guardDecisions.get(guard.name(), System.nanoTime());
		if (cached != null) {
			if (cached) {
				deliver(path, data);
			}
			return;
		}
		Principal asked = this.principal;
		guard.allows(asked, path).defaultIfEmpty(false).onErrorReturn(false).subscribe((allowed) -> {
			if (asked == this.principal) {
				this.guardDecisions.put(guard.name(), allowed, System.nanoTime());
			}
			if (allowed) {
				deliver(path, data);
			}
		});
	}

	private void open(ClientMessage.Open open) {
		if (this.sockets.containsKey(open.sid())) {
			throw error(ErrorCode.SOCKET_EXISTS, "Socket " + open.sid() + " is already open", open, open.sid(), null);
		}
		if (this.sockets.size() >= this.settings.maxSockets()) {
			throw error(ErrorCode.LIMIT_EXCEEDED, "At most " + this.settings.maxSockets() + " sockets may be open",
					open, open.sid(), null);
		}
		ZmqEndpoint endpoint = this.endpoints.find(open.endpoint());
		if (endpoint == null) {
			throw error(ErrorCode.UNKNOWN_ENDPOINT, "No endpoint named '" + abbreviate(open.endpoint()) + "'", open,
					open.sid(), null);
		}
		if (endpoint.endpoint().type() == EndpointType.RPC) {
			throw error(ErrorCode.WRONG_SOCKET_TYPE, "Endpoint '" + open.endpoint()
					+ "' is an RPC service: call its methods as '" + open.endpoint() + ".<method>'", open, open.sid(),
					null);
		}
		this.sockets.put(open.sid(), new VirtualSocket(open.sid(), endpoint, this.outbound));
		send(new ServerMessage.Opened(open.sid(), open.endpoint(), endpoint.endpoint().type().name()));
	}

	private void closeSocket(ClientMessage.Close close) {
		VirtualSocket socket = this.sockets.remove(close.sid());
		if (socket == null) {
			throw error(ErrorCode.UNKNOWN_SOCKET, "No socket " + close.sid() + " is open", close, close.sid(), null);
		}
		this.subscriptions.addAndGet(-socket.topicCount());
		socket.close();
		send(new ServerMessage.Closed(close.sid()));
	}

	private void request(ClientMessage.Request request) {
		RequestChannel channel = endpoint(request.sid(), RequestChannel.class, request, request.id());
		VirtualSocket socket = this.sockets.get(request.sid());
		if (this.pendingRequests.incrementAndGet() > this.settings.maxPendingRequests()) {
			this.pendingRequests.decrementAndGet();
			throw error(ErrorCode.LIMIT_EXCEEDED,
					"At most " + this.settings.maxPendingRequests() + " requests may be pending", request,
					request.sid(), request.id());
		}
		Duration timeout = requestTimeout(channel, request.timeoutMillis());
		Call<List<byte[]>> call = new Call<>(socket, request.op(), request.id(),
				(reply) -> socket.deliver(new ServerMessage.Reply(request.sid(), request.id(), reply)), () -> {
				}, this.pendingRequests);
		channel.request(request.frames(), timeout).subscribe(call);
	}

	private Duration requestTimeout(RequestChannel channel, long requestedMillis) {
		Duration endpointTimeout = channel.endpoint().options().requestTimeout();
		if (requestedMillis <= 0 || requestedMillis >= endpointTimeout.toMillis()) {
			return endpointTimeout;
		}
		return Duration.ofMillis(requestedMillis);
	}

	private void subscribe(ClientMessage.Subscribe subscribe) {
		SubscriptionHub hub = endpoint(subscribe.sid(), SubscriptionHub.class, subscribe, null);
		VirtualSocket socket = this.sockets.get(subscribe.sid());
		ServerMessage.Subscribed done = new ServerMessage.Subscribed(subscribe.sid(), subscribe.topic());
		if (!socket.addTopic(subscribe.topic())) {
			send(done);
			return;
		}
		if (this.subscriptions.incrementAndGet() > this.settings.maxSubscriptions()) {
			this.subscriptions.decrementAndGet();
			socket.removeTopic(subscribe.topic());
			throw error(ErrorCode.LIMIT_EXCEEDED,
					"At most " + this.settings.maxSubscriptions() + " subscriptions are allowed", subscribe,
					subscribe.sid(), null);
		}
		Call<Void> call = new Call<>(socket, subscribe.op(), null, (ignored) -> {
		}, () -> socket.deliver(done), null);
		call.onFailure(() -> {
			if (socket.removeTopic(subscribe.topic())) {
				this.subscriptions.decrementAndGet();
			}
		});
		hub.subscribe(socket, subscribe.topic()).subscribe(call);
	}

	private void unsubscribe(ClientMessage.Unsubscribe unsubscribe) {
		SubscriptionHub hub = endpoint(unsubscribe.sid(), SubscriptionHub.class, unsubscribe, null);
		VirtualSocket socket = this.sockets.get(unsubscribe.sid());
		ServerMessage.Unsubscribed done = new ServerMessage.Unsubscribed(unsubscribe.sid(), unsubscribe.topic());
		if (!socket.removeTopic(unsubscribe.topic())) {
			send(done);
			return;
		}
		this.subscriptions.decrementAndGet();
		Call<Void> call = new Call<>(socket, unsubscribe.op(), null, (ignored) -> {
		}, () -> socket.deliver(done), null);
		call.onFailure(() -> {
			if (socket.addTopic(unsubscribe.topic())) {
				this.subscriptions.incrementAndGet();
			}
		});
		hub.unsubscribe(socket, unsubscribe.topic()).subscribe(call);
	}

	private void push(ClientMessage.Push push) {
		PushChannel channel = endpoint(push.sid(), PushChannel.class, push, push.id());
		VirtualSocket socket = this.sockets.get(push.sid());
		Runnable acknowledge = (push.id() != null) ? () -> socket.deliver(new ServerMessage.Pushed(push.sid(), push.id()))
				: () -> {
				};
		Call<Void> call = new Call<>(socket, push.op(), push.id(), (ignored) -> {
		}, acknowledge, null);
		channel.push(push.frames()).subscribe(call);
	}

	private <T extends ZmqEndpoint> T endpoint(long sid, Class<T> type, ClientMessage message, Long id) {
		VirtualSocket socket = this.sockets.get(sid);
		if (socket == null) {
			throw error(ErrorCode.UNKNOWN_SOCKET, "No socket " + sid + " is open", message, sid, id);
		}
		if (!type.isInstance(socket.endpoint())) {
			throw error(ErrorCode.WRONG_SOCKET_TYPE, "Operation '" + message.op() + "' is not valid on a "
					+ socket.endpoint().endpoint().type() + " socket", message, sid, id);
		}
		return type.cast(socket.endpoint());
	}

	private void send(ServerMessage message) {
		this.outbound.offer(message);
	}

	private static ProtocolException error(ErrorCode code, String text, ClientMessage message, Long sid, Long id) {
		return new ProtocolException(code, text, message.op(), sid, id);
	}

	private static String abbreviate(String value) {
		return (value.length() <= 64) ? value : value.substring(0, 64) + "...";
	}

	private static ErrorCode errorCode(ZmqSocketException.Reason reason) {
		return switch (reason) {
			case TIMEOUT -> ErrorCode.TIMEOUT;
			case OVERLOADED -> ErrorCode.OVERLOADED;
			case BACKEND_UNAVAILABLE -> ErrorCode.BACKEND_UNAVAILABLE;
			case TOO_LARGE -> ErrorCode.MESSAGE_TOO_LARGE;
			case CANCELLED -> ErrorCode.CANCELLED;
		};
	}

	/**
	 * One operation in flight on a virtual socket: reports its outcome to the client and
	 * is cancelled if the socket closes first.
	 */
	private final class Call<T> extends BaseSubscriber<T> {

		private final VirtualSocket socket;

		private final String op;

		private final Long id;

		private final Consumer<T> onValue;

		private final Runnable onComplete;

		private final AtomicInteger counter;

		private Runnable onFailure = () -> {
		};

		Call(VirtualSocket socket, String op, Long id, Consumer<T> onValue, Runnable onComplete,
				AtomicInteger counter) {
			this.socket = socket;
			this.op = op;
			this.id = id;
			this.onValue = onValue;
			this.onComplete = onComplete;
			this.counter = counter;
			socket.track(this);
		}

		/** Undoes bookkeeping done ahead of the operation when it fails. */
		void onFailure(Runnable rollback) {
			this.onFailure = rollback;
		}

		@Override
		protected void hookOnNext(T value) {
			this.onValue.accept(value);
		}

		@Override
		protected void hookOnComplete() {
			this.onComplete.run();
		}

		@Override
		protected void hookOnError(Throwable failure) {
			this.onFailure.run();
			if (failure instanceof ZmqSocketException ex) {
				this.socket.deliver(new ServerMessage.Error(errorCode(ex.getReason()), ex.getMessage(),
						this.socket.sid(), this.id, this.op));
			}
			else {
				logger.error("Operation '" + this.op + "' on session " + id() + " failed", failure);
				this.socket.deliver(new ServerMessage.Error(ErrorCode.INTERNAL, "Internal error", this.socket.sid(),
						this.id, this.op));
			}
		}

		@Override
		protected void hookFinally(SignalType type) {
			this.socket.untrack(this);
			if (this.counter != null) {
				this.counter.decrementAndGet();
				// an operation that ended without an answer (its socket closed) frees room too
				ZmqwsSession.this.outbound.wakeRoomWaiters();
			}
		}

	}

}
