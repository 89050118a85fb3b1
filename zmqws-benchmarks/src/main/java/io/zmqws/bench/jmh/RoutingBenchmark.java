package io.zmqws.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.zmqws.protocol.JsonProtocolCodec;
import io.zmqws.protocol.ServerMessage;
import io.zmqws.socket.EndpointDefinition;
import io.zmqws.socket.EndpointType;
import io.zmqws.socket.SocketOptions;
import io.zmqws.socket.SubscriptionHub;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * Routing one published message to N matching subscriptions, through the real
 * {@link SubscriptionHub} (its public API only): an in-process PUB publishes batches of
 * 100-byte messages on one topic, the hub's thread receives them and hands each to every
 * subscriber. The score is the time per published message, all N deliveries included.
 * <p>
 * {@code work} is what each subscriber does on the hub thread:
 * <ul>
 * <li>{@code count}: nothing but count (routing alone);</li>
 * <li>{@code encode}: encodes its own {@code message} with the codec, as the gateway does
 * per subscriber (on the hub thread when the connection has demand): the hub hands every
 * subscriber the same {@code SharedFrames}, whose JSON the codec writes once per message,
 * so each subscriber only adds its {@code sid} around it;</li>
 * <li>{@code encode-unshared}: encodes its own {@code message} from a private copy of the
 * frames list, so that the codec encodes the frames for every subscriber: what the
 * gateway did before the frames were shared.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingBenchmark {

	private static final int BATCH = 100;

	private static final byte[] TOPIC = "bench".getBytes(StandardCharsets.US_ASCII);

	@Param({ "1", "10", "100", "1000" })
	public int subscribers;

	@Param({ "count", "encode", "encode-unshared" })
	public String work;

	private final byte[] body = "x".repeat(100).getBytes(StandardCharsets.US_ASCII);

	private final JsonProtocolCodec codec = new JsonProtocolCodec();

	private ZMQ.Context context;

	private ZMQ.Socket pub;

	private SubscriptionHub hub;

	private Sink last;

	@Setup(Level.Trial)
	public void setUp() {
		this.context = ZMQ.context(1);
		this.pub = this.context.socket(SocketType.PUB);
		this.pub.setSndHWM(100_000);
		String address = "inproc://routing-" + System.nanoTime();
		this.pub.bind(address);
		SocketOptions defaults = SocketOptions.defaults();
		SocketOptions options = new SocketOptions(defaults.requestTimeout(), defaults.maxPendingRequests(),
				defaults.sendHighWaterMark(), 100_000, defaults.maxMessageSize(), defaults.linger(),
				defaults.reconnectInterval(), defaults.reconnectIntervalMax(), defaults.immediate(),
				defaults.commandQueueCapacity(), defaults.handshakeTimeout());
		this.hub = new SubscriptionHub(new EndpointDefinition("feed", EndpointType.SUB, List.of(address), false,
				options), this.context);
		this.hub.start(Duration.ofSeconds(10));
		for (int i = 0; i < this.subscribers; i++) {
			Sink sink = new Sink(i + 1, this.work, this.codec);
			this.hub.subscribe(sink, TOPIC).block(Duration.ofSeconds(10));
			this.last = sink;
		}
		// the subscription reaches the PUB asynchronously: publish until it flows
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (this.last.received == 0) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("No message reached the subscribers");
			}
			publish();
			sleepMillis(5);
		}
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public long route() {
		long target = this.last.received + BATCH;
		for (int i = 0; i < BATCH; i++) {
			publish();
		}
		while (this.last.received < target) {
			Thread.onSpinWait();
		}
		return this.last.bytes;
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.hub.stop(Duration.ofSeconds(5));
		this.pub.close();
		this.context.term();
	}

	private void publish() {
		this.pub.send(TOPIC, ZMQ.SNDMORE);
		this.pub.send(this.body, 0);
	}

	private static void sleepMillis(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** One subscriber; runs on the hub thread. */
	static final class Sink implements SubscriptionHub.Subscriber {

		private final long sid;

		private final int mode;

		private final JsonProtocolCodec codec;

		volatile long received;

		long bytes;

		Sink(long sid, String work, JsonProtocolCodec codec) {
			this.sid = sid;
			this.mode = switch (work) {
				case "count" -> 0;
				case "encode" -> 1;
				default -> 2;
			};
			this.codec = codec;
		}

		@Override
		public void onMessage(List<byte[]> frames) {
			if (this.mode == 1) {
				this.bytes += this.codec.encode(new ServerMessage.Message(this.sid, frames, 0)).length;
			}
			else if (this.mode == 2) {
				this.bytes += this.codec.encode(new ServerMessage.Message(this.sid, new ArrayList<>(frames), 0)).length;
			}
			this.received = this.received + 1;
		}

		@Override
		public boolean isActive() {
			return true;
		}

	}

}
