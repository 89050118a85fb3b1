package io.zmqws.rpc;

import java.lang.reflect.Type;

/**
 * One parameter of an RPC method: bound from the caller's arguments, or injected.
 *
 * @param name the parameter name clients use in keyword arguments
 * @param source where the value comes from
 * @param type the declared type, generics included ({@code Optional<T>} unwrapped)
 * @param optional whether the parameter is an {@code Optional} that may be left out
 */
record RpcParameter(String name, Source source, Type type, boolean optional) {

	enum Source {

		/** Bound from positional or keyword arguments. */
		ARGUMENT,
		/** The caller's {@link java.security.Principal} (or {@code Authentication}). */
		PRINCIPAL,
		/** The {@link RpcCallContext}. */
		CONTEXT

	}

}
