package io.zmqws.bench.load;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import io.netty.buffer.ByteBuf;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.zeromq.ZMQ;
import reactor.core.publisher.Mono;

/**
 * Fan-out of one topic to N WebSocket subscribers, the same client for every target:
 * <ul>
 * <li>{@code gateway}: a JeroMQ PUB in this process publishes {@code [bench, body]}; the
 * gateway's SUB endpoint {@code feed} delivers it to every client subscribed to
 * {@code bench};</li>
 * <li>{@code bare}: a WebSocket publisher sends the body to the bare Reactor Netty
 * broadcast server, which writes it to every subscriber;</li>
 * <li>{@code stomp}: a STOMP client sends the body to {@code /topic/bench} of Spring's
 * simple broker, which sends a MESSAGE to every subscriber.</li>
 * </ul>
 * Every body carries its sequence number; the publisher keeps the time it left (or was
 * due, in rate mode) and subscribers record publish→receive latency. In {@code max} mode
 * the publisher keeps a window of messages not yet received by every subscriber, so no
 * server ever has to queue (or drop) more than the window per connection.
 */
public final class FanoutLoad {

	/** A fan-out target. */
	public enum Target {

		GATEWAY("gateway"), BARE("bare"), STOMP("stomp");

		final String label;

		Target(String label) {
			this.label = label;
		}

		public String label() {
			return this.label;
		}

	}

	/** Sends bodies to the server under test; used from one thread. */
	public interface Publisher extends AutoCloseable {

		void publish(String body);

		@Override
		void close();

	}

	private static final int SLOTS = 1 << 16;

	private static final byte[] TOPIC = "bench".getBytes(StandardCharsets.US_ASCII);

	private final Target target;

	private final int subscribers;

	private final int bodyBytes;

	private final long[] publishNanos = new long[SLOTS];

	private final AtomicIntegerArray counts = new AtomicIntegerArray(SLOTS);

	private final Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);

	private final LongAdder delivered = new LongAdder();

	private final LongAdder deliveredTotal = new LongAdder();

	private final LongAdder errorFrames = new LongAdder();

	private final AtomicInteger probed = new AtomicInteger();

	private volatile Phase phase = Phase.WARMUP;

	private volatile Thread publisherThread;

	public FanoutLoad(Target target, int subscribers, int bodyBytes) {
		this.target = target;
		this.subscribers = subscribers;
		this.bodyBytes = bodyBytes;
	}

	/** Per-subscriber state. */
	private static final class Sub {

		final CompletableFuture<Void> ready = new CompletableFuture<>();

		boolean probed;

	}

	/** A JeroMQ PUB socket bound by the load generator, publishing {@code [bench, body]}. */
	public static Publisher zmqPublisher(ZMQ.Socket pub) {
		return new Publisher() {
			@Override
			public void publish(String body) {
				pub.send(TOPIC, ZMQ.SNDMORE);
				pub.send(body.getBytes(StandardCharsets.US_ASCII), 0);
			}

			@Override
			public void close() {
			}
		};
	}

	/** The bare server's {@code /publish} connection. */
	public static Publisher barePublisher(int port) {
		Ws.Conn conn = Ws.connect(URI.create("ws://127.0.0.1:" + port + "/publish"), null, (c, b) -> {
		}).block(Duration.ofSeconds(10));
		return new Publisher() {
			@Override
			public void publish(String body) {
				conn.send(body);
			}

			@Override
			public void close() {
				conn.close();
			}
		};
	}

	/** A STOMP client that sends to {@code /topic/bench}. */
	public static Publisher stompPublisher(int port) {
		CompletableFuture<Void> connected = new CompletableFuture<>();
		Ws.Conn conn = Ws.connect(URI.create("ws://127.0.0.1:" + port + "/stomp"), null, (c, buf) -> {
			if (startsWith(buf, "CONNECTED")) {
				connected.complete(null);
			}
		}).block(Duration.ofSeconds(10));
		conn.send(stompConnect());
		connected.orTimeout(10, TimeUnit.SECONDS).join();
		return new Publisher() {
			@Override
			public void publish(String body) {
				conn.send("SEND\ndestination:/topic/bench\ncontent-type:text/plain\n\n" + body + "\0");
			}

			@Override
			public void close() {
				conn.close();
			}
		};
	}

	/**
	 * Connects the subscribers, waits until each has received a probe, then publishes.
	 * @param window messages in flight in {@code max} mode
	 * @param rate messages per second in {@code rate} mode, or 0 for {@code max}
	 */
	public Result run(int port, Publisher publisher, int window, double rate, Duration warmup, Duration measure,
			Meter meter) {
		this.publisherThread = Thread.currentThread();
		URI uri = URI.create("ws://127.0.0.1:" + port + switch (this.target) {
			case GATEWAY -> "/zmqws";
			case BARE -> "/broadcast";
			case STOMP -> "/stomp";
		});
		String subprotocol = (this.target == Target.GATEWAY) ? "zmqws.v1.json" : null;
		List<Ws.Conn> conns = Ws.connectMany(uri, subprotocol, this.subscribers, 64, (i) -> this::onFrame,
				this::prepare, Duration.ofSeconds(120));
		try {
			if (conns.size() != this.subscribers) {
				throw new IllegalStateException("Connected " + conns.size() + " of " + this.subscribers);
			}
			probe(publisher);
			long seq = 0;
			long lost = 0;
			long deadlineWarmup = System.nanoTime() + warmup.toNanos();
			long deadlineMeasure = deadlineWarmup + measure.toNanos();
			Pacer pacer = (rate > 0) ? new Pacer(System.nanoTime(), rate) : null;
			while (true) {
				long now = System.nanoTime();
				if (this.phase == Phase.WARMUP && now >= deadlineWarmup) {
					this.recorder.reset();
					this.delivered.reset();
					meter.start();
					this.phase = Phase.MEASURE;
				}
				if (now >= deadlineMeasure) {
					break;
				}
				if (pacer == null) {
					if (seq >= window && !awaitComplete(seq - window, now + TimeUnit.SECONDS.toNanos(2))) {
						lost++;
					}
					publish(publisher, seq++, System.nanoTime());
				}
				else {
					long due;
					while ((due = pacer.takeDue(System.nanoTime())) != Long.MIN_VALUE) {
						publish(publisher, seq++, due);
					}
					pacer.awaitNext();
				}
			}
			this.phase = Phase.DRAIN;
			meter.stop();
			Histogram latency = this.recorder.getIntervalHistogram();
			long count = this.delivered.sum();
			long expected = seq * this.subscribers;
			long grace = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
			while (this.deliveredTotal.sum() < expected && System.nanoTime() < grace) {
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
			}
			long missing = Math.max(0, expected - this.deliveredTotal.sum());
			return new Result("fanout", this.target.label, this.subscribers, (pacer == null) ? "max" : "rate", rate,
					count, meter.seconds(), latency, missing + this.errorFrames.sum(), meter.serverCpuPercent(),
					meter.clientCpuPercent());
		}
		finally {
			this.phase = Phase.DRAIN;
			Ws.closeAll(conns);
		}
	}

	private void publish(Publisher publisher, long seq, long atNanos) {
		int slot = (int) (seq & (SLOTS - 1));
		this.counts.set(slot, 0);
		this.publishNanos[slot] = atNanos;
		publisher.publish(Scan.body(seq, this.bodyBytes));
	}

	private boolean awaitComplete(long seq, long deadline) {
		int slot = (int) (seq & (SLOTS - 1));
		while (this.counts.get(slot) < this.subscribers) {
			if (System.nanoTime() - deadline > 0) {
				return false;
			}
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
		}
		return true;
	}

	private void probe(Publisher publisher) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		String body = Scan.body(Scan.PROBE, this.bodyBytes);
		while (this.probed.get() < this.subscribers) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Only " + this.probed.get() + " of " + this.subscribers
						+ " subscribers received a probe");
			}
			publisher.publish(body);
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}
	}

	private Mono<?> prepare(Ws.Conn conn) {
		Sub sub = new Sub();
		conn.state = sub;
		Mono<Void> start = switch (this.target) {
			// the gateway's clients wait for its welcome before they send
			case GATEWAY -> conn.firstFrame().then(Mono.fromRunnable(() -> {
				conn.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"feed\"}");
				conn.send("{\"op\":\"subscribe\",\"sid\":1,\"topic\":\"bench\"}");
			}));
			case STOMP -> Mono.fromRunnable(() -> conn.send(stompConnect()));
			case BARE -> Mono.fromRunnable(() -> sub.ready.complete(null));
		};
		return start.then(Mono.fromFuture(sub.ready)).timeout(Duration.ofSeconds(60));
	}

	private void onFrame(Ws.Conn conn, ByteBuf frame) {
		Sub sub = (Sub) conn.state;
		long seq = Scan.sequence(frame);
		if (seq >= 0) {
			long now = System.nanoTime();
			int slot = (int) (seq & (SLOTS - 1));
			this.deliveredTotal.increment();
			if (this.phase == Phase.MEASURE) {
				this.delivered.increment();
				this.recorder.recordValue(Math.max(0, now - this.publishNanos[slot]));
			}
			if (this.counts.incrementAndGet(slot) == this.subscribers) {
				LockSupport.unpark(this.publisherThread);
			}
			return;
		}
		if (seq == Scan.PROBE) {
			if (sub != null && !sub.probed) {
				sub.probed = true;
				this.probed.incrementAndGet();
			}
			return;
		}
		if (sub == null) {
			return;
		}
		if (this.target == Target.GATEWAY) {
			if (Scan.opIs(frame, "subscribed")) {
				sub.ready.complete(null);
			}
			else if (Scan.opIs(frame, "error")) {
				this.errorFrames.increment();
			}
		}
		else if (this.target == Target.STOMP) {
			if (startsWith(frame, "CONNECTED")) {
				conn.send("SUBSCRIBE\nid:sub-0\ndestination:/topic/bench\n\n\0");
				sub.ready.complete(null);
			}
			else if (startsWith(frame, "ERROR")) {
				this.errorFrames.increment();
			}
		}
	}

	private static String stompConnect() {
		return "CONNECT\naccept-version:1.2\nhost:localhost\nheart-beat:0,0\n\n\0";
	}

	static boolean startsWith(ByteBuf buf, String prefix) {
		if (buf.readableBytes() < prefix.length()) {
			return false;
		}
		for (int i = 0; i < prefix.length(); i++) {
			if (buf.getByte(buf.readerIndex() + i) != prefix.charAt(i)) {
				return false;
			}
		}
		return true;
	}

}
