package io.zmqws.security;

import reactor.core.publisher.Mono;

import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.security.access.expression.SecurityExpressionRoot;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;

/**
 * Decides with a Spring Security expression such as {@code hasRole('TRADER')},
 * {@code isAuthenticated()} or {@code permitAll}, as written in {@code application.yml}.
 * The access request is available as {@code #request}.
 */
public final class AccessExpressionAuthorizationManager implements ReactiveAuthorizationManager<AccessRequest> {

	private static final SpelExpressionParser PARSER = new SpelExpressionParser();

	private final String text;

	private final Expression expression;

	/**
	 * @throws IllegalArgumentException when the expression does not parse
	 */
	public AccessExpressionAuthorizationManager(String text) {
		this.text = text;
		try {
			this.expression = PARSER.parseExpression(text);
		}
		catch (ParseException ex) {
			throw new IllegalArgumentException("Invalid access expression '" + text + "': " + ex.getMessage(), ex);
		}
	}

	@Override
	public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, AccessRequest request) {
		return authentication.defaultIfEmpty(Anonymous.TOKEN).map((caller) -> evaluate(caller, request));
	}

	private AuthorizationResult evaluate(Authentication caller, AccessRequest request) {
		SecurityExpressionRoot<AccessRequest> root = new SecurityExpressionRoot<>(() -> caller, request) {
		};
		StandardEvaluationContext context = new StandardEvaluationContext(root);
		context.setVariable("request", request);
		try {
			return new AuthorizationDecision(Boolean.TRUE.equals(this.expression.getValue(context, Boolean.class)));
		}
		catch (EvaluationException ex) {
			return new AuthorizationDecision(false);
		}
	}

	@Override
	public String toString() {
		return this.text;
	}

}
