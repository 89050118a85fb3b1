/**
 * Who may reach what: the access requests the gateway asks about and the policy that
 * answers them.
 * <p>
 * Knows nothing of ZeroMQ.
 */
package io.zmqws.security;
