package io.zmqws.rpc;

import java.security.Principal;
import java.util.concurrent.Callable;
import java.util.function.Function;

import reactor.util.context.Context;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.util.ClassUtils;

/**
 * Makes the caller's {@code Authentication} visible to method security
 * ({@code @PreAuthorize}) while an RPC method runs: in the {@code SecurityContextHolder}
 * for methods run on the blocking scheduler, and in the Reactor context for methods
 * returning {@code Mono} or {@code Flux}. Does nothing without Spring Security.
 */
final class CallerContext {

	private static final boolean SECURITY_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.core.context.SecurityContextHolder", CallerContext.class.getClassLoader());

	private CallerContext() {
	}

	static <T> T callAs(Principal principal, Callable<T> call) throws Exception {
		if (!SECURITY_PRESENT || !(principal instanceof Authentication)) {
			return call.call();
		}
		return Security.callAs(principal, call);
	}

	static Function<Context, Context> reactive(Principal principal) {
		if (!SECURITY_PRESENT || !(principal instanceof Authentication)) {
			return Function.identity();
		}
		return Security.reactive(principal);
	}

	/** Kept apart so that nothing loads Spring Security classes when it is absent. */
	private static final class Security {

		static <T> T callAs(Principal principal, Callable<T> call) throws Exception {
			SecurityContext previous = SecurityContextHolder.getContext();
			SecurityContext context = SecurityContextHolder.createEmptyContext();
			context.setAuthentication((Authentication) principal);
			SecurityContextHolder.setContext(context);
			try {
				return call.call();
			}
			finally {
				SecurityContextHolder.setContext(previous);
			}
		}

		static Function<Context, Context> reactive(Principal principal) {
			Context security = ReactiveSecurityContextHolder.withAuthentication((Authentication) principal);
			return (context) -> context.putAll(security.readOnly());
		}

	}

}
