package io.zmqws.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exposes a Spring bean's methods as RPC methods named {@code <value>.<method>}.
 * <p>
 * Exposed are the non-private instance methods declared by the bean's own class, except
 * those annotated {@link ZmqRpcIgnore}, bridge and synthetic methods, and methods that
 * implement an interface from {@code java.*} or {@code org.springframework.*} (such as
 * {@code toString}, {@code close} or {@code afterPropertiesSet}). Inherited methods are
 * not exposed. Two exposed methods with the same name fail start-up; rename one with
 * {@link ZmqRpcMethod#name()}.
 * <p>
 * The annotation does not make the class a bean: combine it with {@code @Component} or
 * declare the bean.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ZmqRpc {

	/** The service name: letters, digits, {@code _} and {@code -}. */
	String value();

}
