package io.zmqws.rpc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ResolvableType;

/**
 * Binds a call's positional and keyword arguments to a method's parameters, converting
 * them with Jackson, and injects the caller where a parameter asks for it.
 * <p>
 * Positional arguments fill the bindable parameters in order; keyword arguments fill the
 * rest by name. Every error names the argument and never the Java types.
 */
final class RpcArgumentBinder {

	/** The error code of every binding failure. */
	static final String INVALID_ARGUMENT = "invalid_argument";

	private final JsonMapper mapper;

	RpcArgumentBinder(JsonMapper mapper) {
		this.mapper = mapper;
	}

	Object[] bind(RpcMethod method, JsonNode args, JsonNode kwargs, RpcCallContext context) {
		List<RpcParameter> parameters = method.parameters();
		Object[] values = new Object[parameters.size()];
		boolean[] bound = new boolean[parameters.size()];
		int positional = (args != null) ? args.size() : 0;
		int bindable = (int) parameters.stream()
			.filter((parameter) -> parameter.source() == RpcParameter.Source.ARGUMENT)
			.count();
		if (positional > bindable) {
			throw invalid("Expected at most " + bindable + " positional argument" + ((bindable == 1) ? "" : "s")
					+ ", got " + positional);
		}
		int next = 0;
		for (int i = 0; i < parameters.size() && next < positional; i++) {
			if (parameters.get(i).source() == RpcParameter.Source.ARGUMENT) {
				values[i] = convert(parameters.get(i), args.get(next++));
				bound[i] = true;
			}
		}
		if (kwargs != null) {
			for (Map.Entry<String, JsonNode> kwarg : kwargs.properties()) {
				int index = indexOf(parameters, kwarg.getKey());
				if (index < 0) {
					throw invalid("Unknown argument '" + abbreviate(kwarg.getKey()) + "'");
				}
				if (bound[index]) {
					throw invalid("Argument '" + kwarg.getKey() + "' given twice");
				}
				values[index] = convert(parameters.get(index), kwarg.getValue());
				bound[index] = true;
			}
		}
		for (int i = 0; i < parameters.size(); i++) {
			RpcParameter parameter = parameters.get(i);
			switch (parameter.source()) {
				case PRINCIPAL -> values[i] = (context.principal() != null
						&& ((Class<?>) parameter.type()).isInstance(context.principal())) ? context.principal() : null;
				case CONTEXT -> values[i] = context;
				case ARGUMENT -> {
					if (!bound[i]) {
						if (!parameter.optional()) {
							throw invalid("Missing argument '" + parameter.name() + "'");
						}
						values[i] = Optional.empty();
					}
				}
			}
		}
		return values;
	}

	private Object convert(RpcParameter parameter, JsonNode node) {
		Class<?> raw = ResolvableType.forType(parameter.type()).toClass();
		if (node == null || node.isNull()) {
			if (raw.isPrimitive()) {
				throw invalid("Argument '" + parameter.name() + "' must not be null");
			}
			return parameter.optional() ? Optional.empty() : null;
		}
		Object value;
		try {
			value = this.mapper.treeToValue(node, this.mapper.constructType(parameter.type()));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw invalid("Argument '" + parameter.name() + "' is not " + describe(raw));
		}
		return parameter.optional() ? Optional.ofNullable(value) : value;
	}

	private static int indexOf(List<RpcParameter> parameters, String name) {
		for (int i = 0; i < parameters.size(); i++) {
			if (parameters.get(i).source() == RpcParameter.Source.ARGUMENT && parameters.get(i).name().equals(name)) {
				return i;
			}
		}
		return -1;
	}

	private static String describe(Class<?> type) {
		Class<?> boxed = org.springframework.util.ClassUtils.resolvePrimitiveIfNecessary(type);
		if (boxed == Integer.class || boxed == Long.class || boxed == Short.class || boxed == Byte.class
				|| boxed == BigInteger.class) {
			return "an integer";
		}
		if (Number.class.isAssignableFrom(boxed) || boxed == BigDecimal.class) {
			return "a number";
		}
		if (boxed == Boolean.class) {
			return "a boolean";
		}
		if (boxed == String.class || boxed == Character.class) {
			return "a string";
		}
		if (boxed.isEnum()) {
			return "one of " + Arrays.toString(boxed.getEnumConstants());
		}
		if (boxed.isArray() || Collection.class.isAssignableFrom(boxed)) {
			return "a valid array";
		}
		return "a valid object";
	}

	private static String abbreviate(String value) {
		return (value.length() <= 64) ? value : value.substring(0, 64) + "...";
	}

	private static ZmqRpcException invalid(String message) {
		return new ZmqRpcException(INVALID_ARGUMENT, message);
	}

}
