/**
 * The zmqws wire protocol: message records, error and close codes, and codecs.
 * <p>
 * Knows nothing of Spring, Netty or ZeroMQ.
 */
package io.zmqws.protocol;
