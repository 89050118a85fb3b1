/**
 * The {@code tls} profile's development certificate.
 */
package io.zmqws.sample.tls;
