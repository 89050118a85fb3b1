package io.zmqws.security;

import java.security.Principal;
import java.time.Instant;

import org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken;
import org.springframework.util.ClassUtils;

/**
 * When a connection's credentials end: the expiry of an OAuth2 token (such as a JWT), or
 * never for other principals.
 */
public final class CredentialExpiry {

	private static final boolean OAUTH2_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken",
			CredentialExpiry.class.getClassLoader());

	private CredentialExpiry() {
	}

	/** The instant the principal's credentials expire, or {@code null} for never. */
	public static Instant of(Principal principal) {
		if (OAUTH2_PRESENT && principal != null) {
			return OAuth2.expiresAt(principal);
		}
		return null;
	}

	private static final class OAuth2 {

		static Instant expiresAt(Principal principal) {
			if (principal instanceof AbstractOAuth2TokenAuthenticationToken<?> token) {
				return token.getToken().getExpiresAt();
			}
			return null;
		}

	}

}
