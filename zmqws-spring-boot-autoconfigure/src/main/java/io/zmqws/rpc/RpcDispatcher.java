package io.zmqws.rpc;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import io.zmqws.protocol.ServerMessage;
import io.zmqws.security.AccessPolicy;
import io.zmqws.security.AccessRequest;
import io.zmqws.socket.RequestChannel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * Runs RPC calls: asks the {@link AccessPolicy}, finds the local {@link ZmqRpc} method or
 * the remote RPC endpoint, binds the arguments, invokes, and turns what comes back into
 * {@link RpcReply} signals.
 * <p>
 * Methods returning {@code Mono} or {@code Flux} are called on the caller's thread and
 * must not block; all others run on the bounded {@code blocking} scheduler, so a slow
 * method never stalls a network thread. Failures arrive as {@link ZmqRpcException}s with
 * stable codes; unexpected exceptions become {@code internal} and are logged, never
 * shown to the caller.
 */
public final class RpcDispatcher {

	private static final Log logger = LogFactory.getLog(RpcDispatcher.class);

	private static final String ACCESS_DENIED = "org.springframework.security.access.AccessDeniedException";

	private static final String AUTHENTICATION_FAILED = "org.springframework.security.core.AuthenticationException";

	private final RpcMethodRegistry registry;

	private final RpcArgumentBinder binder;

	private final JsonMapper mapper;

	private final Scheduler blocking;

	private final Duration defaultTimeout;

	private final AccessPolicy accessPolicy;

	private final Map<String, RemoteRpcClient> remotes;

	/**
	 * @param registry the local methods
	 * @param mapper converts arguments and results
	 * @param blocking runs methods that may block
	 * @param defaultTimeout the timeout of methods without their own
	 * @param accessPolicy decides who may call what
	 * @param remoteServices RPC endpoints by service name
	 */
	public RpcDispatcher(RpcMethodRegistry registry, JsonMapper mapper, Scheduler blocking, Duration defaultTimeout,
			AccessPolicy accessPolicy, Map<String, RequestChannel> remoteServices) {
		this.registry = registry;
		this.binder = new RpcArgumentBinder(mapper);
		this.mapper = mapper;
		this.blocking = blocking;
		this.defaultTimeout = defaultTimeout;
		this.accessPolicy = accessPolicy;
		for (String service : remoteServices.keySet()) {
			if (registry.names().stream().anyMatch((name) -> name.startsWith(service + "."))) {
				throw new IllegalStateException("RPC endpoint '" + service
						+ "' has the same name as a @ZmqRpc service; rename one of them");
			}
		}
		RpcEnvelope envelope = new RpcEnvelope(mapper);
		this.remotes = remoteServices.entrySet()
			.stream()
			.collect(Collectors.toUnmodifiableMap(Map.Entry::getKey,
					(entry) -> new RemoteRpcClient(entry.getValue(), envelope)));
	}

	/**
	 * Calls {@code method}. The returned {@code Flux} emits one {@code RESULT}, or
	 * {@code ITEM}s and a {@code DONE} for streaming methods, or fails with a
	 * {@link ZmqRpcException}; cancelling it cancels the call.
	 * @param method {@code service.method}
	 * @param args positional arguments (a JSON array) or {@code null}
	 * @param kwargs keyword arguments (a JSON object) or {@code null}
	 * @param timeout a shorter timeout the caller asks for, or {@code null}
	 * @param context the caller
	 */
	public Flux<RpcReply> call(String method, JsonNode args, JsonNode kwargs, Duration timeout,
			RpcCallContext context) {
		return this.accessPolicy.isAllowed(new AccessRequest.Method(method), context.principal())
			.defaultIfEmpty(false)
			.flatMapMany((allowed) -> allowed ? dispatch(method, args, kwargs, timeout, context)
					: Flux.error(new ZmqRpcException("forbidden", "Not allowed to call '" + abbreviate(method) + "'")))
			.onErrorMap((ex) -> !(ex instanceof ZmqRpcException), this::toRpcException);
	}

	/** The local methods the caller may call (remote services are not listed). */
	public Mono<List<ServerMessage.MethodInfo>> describe(RpcCallContext context) {
		return Flux.fromIterable(this.registry.all())
			.concatMap((method) -> this.accessPolicy
				.isAllowed(new AccessRequest.Method(method.name()), context.principal())
				.defaultIfEmpty(false)
				.filter(Boolean::booleanValue)
				.map((allowed) -> new ServerMessage.MethodInfo(method.name(), method.argumentNames(),
						method.streaming())))
			.collectList();
	}

	private Flux<RpcReply> dispatch(String name, JsonNode args, JsonNode kwargs, Duration timeout,
			RpcCallContext context) {
		RpcMethod method = this.registry.find(name);
		if (method != null) {
			return invoke(method, args, kwargs, timeout, context);
		}
		int dot = name.indexOf('.');
		RemoteRpcClient remote = (dot > 0) ? this.remotes.get(name.substring(0, dot)) : null;
		if (remote != null) {
			return remote.call(name.substring(dot + 1), args, kwargs, shorter(remote.defaultTimeout(), timeout));
		}
		return Flux.error(new ZmqRpcException("unknown_method", "No method named '" + abbreviate(name) + "'"));
	}

	private Flux<RpcReply> invoke(RpcMethod method, JsonNode args, JsonNode kwargs, Duration requested,
			RpcCallContext context) {
		Duration timeout = shorter((method.timeout() != null) ? method.timeout() : this.defaultTimeout, requested);
		return switch (method.kind()) {
			case VALUE -> onScheduler(method, Mono.fromCallable(() -> CallerContext.callAs(context.principal(),
					() -> invokeMethod(method, args, kwargs, context))))
				.map(this::result)
				.defaultIfEmpty(RpcReply.result(NullNode.getInstance()))
				.timeout(timeout, timedOut())
				.flux();
			case FUTURE -> onScheduler(method, Mono.fromCallable(() -> CallerContext.callAs(context.principal(),
					() -> invokeMethod(method, args, kwargs, context))))
				.flatMap((future) -> Mono.fromCompletionStage((CompletionStage<?>) future))
				.map(this::result)
				.defaultIfEmpty(RpcReply.result(NullNode.getInstance()))
				.timeout(timeout, timedOut())
				.flux();
			case MONO -> Mono.defer(() -> (Mono<?>) invokeUnchecked(method, args, kwargs, context))
				.map(this::result)
				.defaultIfEmpty(RpcReply.result(NullNode.getInstance()))
				.timeout(timeout, timedOut())
				.contextWrite(CallerContext.reactive(context.principal()))
				.flux();
			case STREAM -> {
				Flux<RpcReply> items = Flux
					.defer(() -> (Publisher<?>) invokeUnchecked(method, args, kwargs, context))
					.map((item) -> RpcReply.item(this.mapper.valueToTree(item)));
				Duration perItem = (method.timeout() != null && !method.timeout().isZero())
						? shorter(method.timeout(), requested) : requested;
				if (perItem != null) {
					items = items.timeout(perItem, timedOut());
				}
				yield items.concatWithValues(RpcReply.done()).contextWrite(CallerContext.reactive(context.principal()));
			}
		};
	}

	/** Moves a method that may block to the blocking scheduler; others run where they are called. */
	private Mono<Object> onScheduler(RpcMethod method, Mono<Object> invocation) {
		return method.blocking() ? invocation.subscribeOn(this.blocking) : invocation;
	}

	/**
	 * The error of a call that ran out of time. Given as the timeout's fallback, it also
	 * spares Reactor describing the timed operator on every subscription (a stack-walking
	 * name lookup that cost more than the rest of the call's set-up together).
	 */
	private static <T> Mono<T> timedOut() {
		return Mono.error(() -> new ZmqRpcException("timeout", "The call did not complete in time"));
	}

	private RpcReply result(Object value) {
		return RpcReply.result((value != null) ? this.mapper.valueToTree(value) : NullNode.getInstance());
	}

	private Object invokeMethod(RpcMethod method, JsonNode args, JsonNode kwargs, RpcCallContext context)
			throws Exception {
		Object[] values = this.binder.bind(method, args, kwargs, context);
		try {
			Object result = method.method().invoke(method.bean().get(), values);
			if (result == null && method.kind() != RpcMethod.ReturnKind.VALUE) {
				throw new IllegalStateException("RPC method " + method.name() + " returned null");
			}
			return result;
		}
		catch (InvocationTargetException ex) {
			if (ex.getTargetException() instanceof Error error) {
				throw error;
			}
			throw (Exception) ex.getTargetException();
		}
	}

	/**
	 * Invokes a method returning {@code Mono} or {@code Flux}; the caller is in the
	 * {@code SecurityContextHolder} during the call too, so imperative method security
	 * ({@code @EnableMethodSecurity}) sees it as reactive method security sees the Reactor
	 * context.
	 */
	private Object invokeUnchecked(RpcMethod method, JsonNode args, JsonNode kwargs, RpcCallContext context) {
		try {
			return CallerContext.callAs(context.principal(), () -> invokeMethod(method, args, kwargs, context));
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new java.lang.reflect.UndeclaredThrowableException(ex);
		}
	}

	private static Duration shorter(Duration own, Duration requested) {
		if (requested == null || (own != null && !own.isZero() && own.compareTo(requested) <= 0)) {
			return (own != null && !own.isZero()) ? own : (requested != null) ? requested : Duration.ofDays(3650);
		}
		return requested;
	}

	private Throwable toRpcException(Throwable ex) {
		if (ex instanceof TimeoutException) {
			return new ZmqRpcException("timeout", "The call did not complete in time");
		}
		if (ex instanceof RejectedExecutionException) {
			return new ZmqRpcException("overloaded", "Too many calls are waiting; try again later");
		}
		if (isAccessDenied(ex)) {
			return new ZmqRpcException("forbidden", "Not allowed");
		}
		logger.error("RPC call failed", ex);
		return new ZmqRpcException("internal", "Internal error");
	}

	/** Method security refused the call, or found no caller to decide for. */
	private static boolean isAccessDenied(Throwable ex) {
		for (Class<?> type = ex.getClass(); type != null; type = type.getSuperclass()) {
			if (type.getName().equals(ACCESS_DENIED) || type.getName().equals(AUTHENTICATION_FAILED)) {
				return true;
			}
		}
		return false;
	}

	private static String abbreviate(String value) {
		return (value.length() <= 64) ? value : value.substring(0, 64) + "...";
	}

}
