package io.zmqws.autoconfigure;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code zmqws.rpc.bind} holds at least one address.
 */
class OnRpcBindCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		List<String> bind = Binder.get(context.getEnvironment())
			.bind("zmqws.rpc.bind", Bindable.listOf(String.class))
			.orElse(List.of());
		return bind.isEmpty() ? ConditionOutcome.noMatch("zmqws.rpc.bind is empty")
				: ConditionOutcome.match("zmqws.rpc.bind is " + bind);
	}

}
