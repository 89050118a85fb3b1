package io.zmqws.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Settings of one method of a {@link ZmqRpc} bean.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ZmqRpcMethod {

	/** The name clients call, instead of the Java method's name. */
	String name() default "";

	/**
	 * How long the call may take, as a duration such as {@code 500ms} or {@code 2s},
	 * instead of {@code zmqws.rpc.timeout}. For a method returning {@code Flux}, it limits
	 * the wait for each item; {@code 0} means no limit.
	 */
	String timeout() default "";

	/**
	 * Whether the method may block. {@code true} (the default) runs a method that returns
	 * a value, nothing or a {@code CompletionStage} on the {@code zmqws-rpc} scheduler.
	 * {@code false} runs it on the caller's thread (for browsers, the connection's event
	 * loop), which saves two thread hand-overs per call: only for methods that never wait
	 * (no I/O, no locks held for long, no blocking calls). Methods returning {@code Mono}
	 * or {@code Flux} always start on the caller's thread and must never block.
	 */
	boolean blocking() default true;

}
