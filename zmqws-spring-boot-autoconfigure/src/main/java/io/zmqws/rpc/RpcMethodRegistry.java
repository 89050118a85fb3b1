package io.zmqws.rpc;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.security.Principal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Finds the {@link ZmqRpc} beans of an application and the methods they expose.
 * <p>
 * Discovery runs once all singletons exist; beans are resolved again at each call, so
 * lazy and scoped beans work. Duplicate service names and ambiguous method names fail
 * start-up.
 */
public class RpcMethodRegistry implements SmartInitializingSingleton {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private final ListableBeanFactory beanFactory;

	private volatile Map<String, RpcMethod> methods = Map.of();

	public RpcMethodRegistry(ListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Map<String, RpcMethod> found = new LinkedHashMap<>();
		Map<String, String> services = new LinkedHashMap<>();
		for (String beanName : this.beanFactory.getBeanNamesForAnnotation(ZmqRpc.class)) {
			Class<?> beanType = this.beanFactory.getType(beanName);
			if (beanType == null || ScopedProxyUtils.isScopedTarget(beanName)) {
				continue;
			}
			Class<?> userClass = ClassUtils.getUserClass(beanType);
			if (Proxy.isProxyClass(beanType)) {
				userClass = AopProxyUtils.ultimateTargetClass(this.beanFactory.getBean(beanName));
			}
			ZmqRpc rpc = AnnotatedElementUtils.findMergedAnnotation(userClass, ZmqRpc.class);
			if (rpc == null) {
				continue;
			}
			String service = rpc.value();
			if (!NAME.matcher(service).matches()) {
				throw new IllegalStateException("Invalid @ZmqRpc name '" + service + "' on bean '" + beanName
						+ "': use 1 to 64 letters, digits, '_' or '-'");
			}
			String previous = services.putIfAbsent(service, beanName);
			if (previous != null) {
				throw new IllegalStateException("Duplicate @ZmqRpc name '" + service + "' on beans '" + previous
						+ "' and '" + beanName + "'");
			}
			register(found, beanName, userClass, beanType, service);
		}
		this.methods = Collections.unmodifiableMap(found);
	}

	private void register(Map<String, RpcMethod> found, String beanName, Class<?> userClass, Class<?> beanType,
			String service) {
		Supplier<Object> bean = beanSupplier(beanName);
		for (Method method : MethodIntrospector.selectMethods(userClass,
				(ReflectionUtils.MethodFilter) (candidate) -> isExposed(candidate, userClass))) {
			ZmqRpcMethod settings = AnnotatedElementUtils.findMergedAnnotation(method, ZmqRpcMethod.class);
			String methodName = (settings != null && !settings.name().isEmpty()) ? settings.name() : method.getName();
			if (!NAME.matcher(methodName).matches()) {
				throw new IllegalStateException("Invalid RPC method name '" + methodName + "' on " + describe(method));
			}
			String name = service + "." + methodName;
			Method invocable = AopUtils.selectInvocableMethod(method, beanType);
			ReflectionUtils.makeAccessible(invocable);
			RpcMethod rpcMethod = new RpcMethod(name, bean, invocable, parameters(method), kind(method),
					timeout(settings, method), settings == null || settings.blocking());
			RpcMethod clash = found.putIfAbsent(name, rpcMethod);
			if (clash != null) {
				throw new IllegalStateException("Ambiguous @ZmqRpc mapping '" + name + "': " + describe(clash.method())
						+ " and " + describe(method) + "; rename one with @ZmqRpcMethod(name = ...)");
			}
		}
	}

	private Supplier<Object> beanSupplier(String beanName) {
		BeanFactory factory = this.beanFactory;
		if (factory instanceof org.springframework.beans.factory.config.ConfigurableListableBeanFactory configurable
				&& configurable.containsBeanDefinition(beanName)
				&& configurable.getBeanDefinition(beanName).isSingleton()
				&& !configurable.getBeanDefinition(beanName).isLazyInit()) {
			Object singleton = factory.getBean(beanName);
			return () -> singleton;
		}
		return () -> factory.getBean(beanName);
	}

	private static boolean isExposed(Method method, Class<?> userClass) {
		if (method.getDeclaringClass() != userClass || method.isBridge() || method.isSynthetic()
				|| Modifier.isStatic(method.getModifiers()) || Modifier.isPrivate(method.getModifiers())
				|| AnnotatedElementUtils.hasAnnotation(method, ZmqRpcIgnore.class)) {
			return false;
		}
		return !implementsFrameworkInterface(method, userClass);
	}

	private static boolean implementsFrameworkInterface(Method method, Class<?> userClass) {
		if (ReflectionUtils.isObjectMethod(method) || ReflectionUtils.isEqualsMethod(method)
				|| ReflectionUtils.isHashCodeMethod(method) || ReflectionUtils.isToStringMethod(method)) {
			return true;
		}
		for (Class<?> type : ClassUtils.getAllInterfacesForClassAsSet(userClass)) {
			String name = type.getName();
			if (name.startsWith("java.") || name.startsWith("org.springframework.")) {
				for (Method candidate : type.getMethods()) {
					if (candidate.getName().equals(method.getName())
							&& candidate.getParameterCount() == method.getParameterCount()
							&& method.equals(ClassUtils.getMostSpecificMethod(candidate, userClass))) {
						return true;
					}
				}
			}
		}
		return false;
	}

	private static List<RpcParameter> parameters(Method method) {
		List<RpcParameter> parameters = new ArrayList<>();
		for (Parameter parameter : method.getParameters()) {
			Class<?> type = parameter.getType();
			if (Principal.class.isAssignableFrom(type)) {
				parameters.add(new RpcParameter(parameter.getName(), RpcParameter.Source.PRINCIPAL, type, false));
				continue;
			}
			if (type == RpcCallContext.class) {
				parameters.add(new RpcParameter(parameter.getName(), RpcParameter.Source.CONTEXT, type, false));
				continue;
			}
			if (!parameter.isNamePresent()) {
				throw new IllegalStateException("Parameter names of " + describe(method)
						+ " are not available: compile with '-parameters'");
			}
			Type generic = parameter.getParameterizedType();
			boolean optional = type == Optional.class;
			if (optional) {
				generic = (generic instanceof ParameterizedType parameterized)
						? parameterized.getActualTypeArguments()[0] : Object.class;
			}
			parameters.add(new RpcParameter(parameter.getName(), RpcParameter.Source.ARGUMENT, generic, optional));
		}
		return List.copyOf(parameters);
	}

	private static RpcMethod.ReturnKind kind(Method method) {
		Class<?> type = method.getReturnType();
		if (Mono.class.isAssignableFrom(type)) {
			return RpcMethod.ReturnKind.MONO;
		}
		if (Publisher.class.isAssignableFrom(type)) {
			return RpcMethod.ReturnKind.STREAM;
		}
		if (CompletionStage.class.isAssignableFrom(type)) {
			return RpcMethod.ReturnKind.FUTURE;
		}
		return RpcMethod.ReturnKind.VALUE;
	}

	private static Duration timeout(ZmqRpcMethod settings, Method method) {
		if (settings == null || settings.timeout().isEmpty()) {
			return null;
		}
		Duration timeout;
		try {
			timeout = DurationStyle.detectAndParse(settings.timeout());
		}
		catch (IllegalArgumentException | DateTimeParseException ex) {
			throw new IllegalStateException("Invalid timeout '" + settings.timeout() + "' on " + describe(method), ex);
		}
		if (timeout.isNegative()) {
			throw new IllegalStateException("Invalid timeout '" + settings.timeout() + "' on " + describe(method)
					+ ": it must not be negative");
		}
		return timeout;
	}

	private static String describe(Method method) {
		StringBuilder text = new StringBuilder(method.getDeclaringClass().getName()).append('#')
			.append(method.getName())
			.append('(');
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			text.append((i > 0) ? ", " : "").append(types[i].getSimpleName());
		}
		return text.append(')').toString();
	}

	/** The method called {@code name}, or {@code null}. */
	RpcMethod find(String name) {
		return this.methods.get(name);
	}

	/** Every exposed method, in discovery order. */
	Collection<RpcMethod> all() {
		return this.methods.values();
	}

	/** The names of every exposed method. */
	public List<String> names() {
		return List.copyOf(this.methods.keySet());
	}

}
