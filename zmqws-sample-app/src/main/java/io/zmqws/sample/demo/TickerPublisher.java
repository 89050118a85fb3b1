package io.zmqws.sample.demo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A PUB socket that publishes a price for each of {@code ticker.EURUSD},
 * {@code ticker.GBPUSD} and {@code ticker.BTCUSD} every interval, as
 * {@code [topic, price as text]}, the prices taking a random walk.
 * <p>
 * Other threads may hand it messages to publish through a bounded queue, see
 * {@link #publish(List)}.
 */
final class TickerPublisher extends DemoBackend {

	private static final int PUBLISH_QUEUE_CAPACITY = 1000;

	private final BlockingQueue<List<byte[]>> publishQueue = new ArrayBlockingQueue<>(PUBLISH_QUEUE_CAPACITY);

	private final long intervalNanos;

	TickerPublisher(ZMQ.Context context, int port, Duration interval) {
		super("demo-ticker", context, SocketType.PUB, port);
		this.intervalNanos = interval.toNanos();
	}

	/**
	 * Queues a message to publish, from any thread.
	 * @return {@code false} when the queue is full and the message was not taken
	 */
	boolean publish(List<byte[]> frames) {
		return this.publishQueue.offer(frames);
	}

	@Override
	protected void serve(ZMQ.Socket socket) throws InterruptedException {
		Random random = new Random();
		List<Instrument> instruments = List.of(new Instrument("ticker.EURUSD", 1.0842, 4, 0.0003),
				new Instrument("ticker.GBPUSD", 1.2650, 4, 0.0003), new Instrument("ticker.BTCUSD", 67250.00, 2, 0.0008));
		long pollNanos = POLL_TIMEOUT.toNanos();
		long nextTick = System.nanoTime();
		while (isRunning()) {
			long now = System.nanoTime();
			if (now - nextTick >= 0) {
				for (Instrument instrument : instruments) {
					send(socket, instrument.tick(random));
				}
				nextTick += this.intervalNanos;
				if (nextTick - now < 0) {
					nextTick = now + this.intervalNanos;
				}
			}
			long wait = Math.min(nextTick - System.nanoTime(), pollNanos);
			List<byte[]> queued = this.publishQueue.poll(Math.max(wait, 0), TimeUnit.NANOSECONDS);
			if (queued != null) {
				send(socket, queued);
			}
		}
	}

	/** One traded pair and its current price. */
	private static final class Instrument {

		private final byte[] topic;

		private final String format;

		private final double volatility;

		private double price;

		Instrument(String topic, double price, int decimals, double volatility) {
			this.topic = topic.getBytes(StandardCharsets.UTF_8);
			this.format = "%." + decimals + "f";
			this.volatility = volatility;
			this.price = price;
		}

		List<byte[]> tick(Random random) {
			this.price *= 1 + random.nextGaussian() * this.volatility;
			String text = String.format(Locale.ROOT, this.format, this.price);
			return List.of(this.topic, text.getBytes(StandardCharsets.UTF_8));
		}

	}

}
