package io.zmqws.security;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * The caller when nobody authenticated.
 */
final class Anonymous {

	static final Authentication TOKEN = new AnonymousAuthenticationToken("zmqws", "anonymousUser",
			AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"));

	private Anonymous() {
	}

}
