package io.zmqws.rpc;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * A method of a {@link ZmqRpc} bean, ready to invoke.
 *
 * @param name the name clients call, {@code service.method}
 * @param bean supplies the bean (resolved lazily, so lazy and scoped beans work)
 * @param method the method to invoke on the bean
 * @param parameters the method's parameters
 * @param kind how the method returns its result
 * @param timeout the method's own timeout, or {@code null} for the default
 * @param blocking whether a {@code VALUE} or {@code FUTURE} method runs on the blocking
 * scheduler ({@code false}: on the caller's thread)
 */
record RpcMethod(String name, Supplier<Object> bean, Method method, List<RpcParameter> parameters, ReturnKind kind,
		Duration timeout, boolean blocking) {

	/** How a method hands back its result. */
	enum ReturnKind {

		/** A plain value (or nothing); the method may block. */
		VALUE,
		/** A {@code CompletionStage}; the method may block before returning it. */
		FUTURE,
		/** A {@code Mono}; the method must not block. */
		MONO,
		/** A {@code Flux} or other multi-value {@code Publisher}, streamed item by item. */
		STREAM

	}

	/** The names of the parameters bound from arguments. */
	List<String> argumentNames() {
		return this.parameters.stream()
			.filter((parameter) -> parameter.source() == RpcParameter.Source.ARGUMENT)
			.map(RpcParameter::name)
			.toList();
	}

	boolean streaming() {
		return this.kind == ReturnKind.STREAM;
	}

}
