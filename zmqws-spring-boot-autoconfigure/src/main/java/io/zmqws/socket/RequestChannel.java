package io.zmqws.socket;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Request/reply to REP or ROUTER backends with many requests in flight.
 * <p>
 * Each request goes out as {@code [correlation id (8 bytes), empty, frames...]}. A REP
 * backend keeps everything up to the empty frame as the envelope and sends it back with
 * its reply, so replies are matched by id, never by order. A reply whose id is unknown
 * (late, duplicate, or for a cancelled request) is dropped and counted. A ROUTER backend
 * may answer one request with several replies, which {@link #requestStream} collects.
 * <p>
 * Two implementations: {@link ZmtpRequestChannel} speaks ZMTP itself on Netty event
 * loops (connecting endpoints); {@link DealerRequestChannel} uses a JeroMQ DEALER on a
 * thread of its own.
 */
public interface RequestChannel extends ZmqEndpoint {

	/**
	 * Sends a request and emits the reply frames, or fails with a
	 * {@link ZmqSocketException}. Cancelling the subscription abandons the request.
	 * @param frames the request's frames
	 * @param timeout how long to wait, or {@code null} for the endpoint's timeout
	 */
	Mono<List<byte[]>> request(List<byte[]> frames, Duration timeout);

	/**
	 * Sends a request and emits every reply to it until one satisfies {@code isLast};
	 * {@code idleTimeout} limits the wait for each reply.
	 */
	Flux<List<byte[]>> requestStream(List<byte[]> frames, Duration idleTimeout, Predicate<List<byte[]>> isLast);

	/**
	 * Sends a message that expects no reply (any reply is dropped as unknown); completes
	 * once handed to the connection.
	 */
	Mono<Void> post(List<byte[]> frames);

	/** How many replies were dropped because no request awaited them. */
	long droppedReplies();

}
