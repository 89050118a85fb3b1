/**
 * Server-side publishing to browsers: path subscriptions and events, and calls from the
 * server to functions browsers registered.
 * <p>
 * Knows nothing of the transports; connections are seen through
 * {@link io.zmqws.pubsub.BrowserConnection}.
 */
package io.zmqws.pubsub;
