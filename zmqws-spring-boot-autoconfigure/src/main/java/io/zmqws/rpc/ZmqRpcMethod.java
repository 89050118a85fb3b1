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

}
