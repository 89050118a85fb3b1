package io.zmqws.socket;

import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import reactor.core.publisher.Mono;

/**
 * Hands a message that expects no reply to the thread that owns a connection.
 */
final class Handover {

	private Handover() {
	}

	/**
	 * Completes once {@code send}, run on the owning thread through {@code execute}, has
	 * taken the message; fails with {@code BACKEND_UNAVAILABLE} when it could not, or with
	 * {@code OVERLOADED} when the owner takes no more work.
	 */
	static Mono<Void> send(String endpoint, Predicate<Runnable> execute, BooleanSupplier send) {
		return Mono.create((sink) -> {
			boolean queued = execute.test(() -> {
				if (send.getAsBoolean()) {
					sink.success();
				}
				else {
					sink.error(new ZmqSocketException(ZmqSocketException.Reason.BACKEND_UNAVAILABLE,
							"No backend of endpoint '" + endpoint + "' can take the message"));
				}
			});
			if (!queued) {
				sink.error(new ZmqSocketException(ZmqSocketException.Reason.OVERLOADED,
						"Endpoint '" + endpoint + "' is not accepting messages"));
			}
		});
	}

}
