package io.zmqws.sample.rpc;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.zmqws.rpc.ZmqRpc;
import io.zmqws.rpc.ZmqRpcException;
import io.zmqws.rpc.ZmqRpcIgnore;
import reactor.core.publisher.Flux;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * A calculator callable from the browser as {@code calc.add}, {@code calc.divide} (which
 * fails with its own code {@code division_by_zero}) and the streaming
 * {@code calc.countdown}.
 */
@Component
@ZmqRpc("calc")
public class CalculatorService {

	/** The longest countdown, in steps. */
	static final int MAX_COUNTDOWN = 120;

	private final AtomicInteger cancelledCountdowns = new AtomicInteger();

	private final Duration step;

	public CalculatorService(Environment environment) {
		this.step = environment.getProperty("demo.countdown-step", Duration.class, Duration.ofMillis(500));
	}

	/** {@code a + b}. */
	public double add(double a, double b) {
		return a + b;
	}

	/** {@code a / b}; fails with {@code division_by_zero} when {@code b} is 0. */
	public double divide(double a, double b) {
		if (b == 0) {
			throw new ZmqRpcException("division_by_zero", "Cannot divide " + format(a) + " by zero");
		}
		return a / b;
	}

	/**
	 * Counts down from {@code from} to 0, one number per step (half a second), as a
	 * stream; cancelling the call stops it.
	 */
	public Flux<Integer> countdown(int from) {
		if (from < 0 || from > MAX_COUNTDOWN) {
			throw new ZmqRpcException("invalid_argument", "Argument 'from' must be between 0 and " + MAX_COUNTDOWN);
		}
		return Flux.interval(Duration.ZERO, this.step)
			.map((tick) -> from - tick.intValue())
			.take(from + 1L)
			.doOnCancel(this.cancelledCountdowns::incrementAndGet);
	}

	/** How many countdowns were cancelled before they ended. */
	@ZmqRpcIgnore
	public int cancelledCountdowns() {
		return this.cancelledCountdowns.get();
	}

	private static String format(double value) {
		return (value == Math.rint(value) && Math.abs(value) < 1e15) ? Long.toString((long) value)
				: Double.toString(value);
	}

}
