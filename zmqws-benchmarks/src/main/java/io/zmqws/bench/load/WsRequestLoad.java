package io.zmqws.bench.load;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.netty.buffer.ByteBuf;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

/**
 * Request/reply over WebSocket, the same client for every target: the gateway (zmqws
 * {@code request} on a REQ socket), the bare echo server (which sends the same text
 * back) and {@code @ZmqRpc} calls. Closed loop ({@code max}: every connection keeps its
 * share of the requests in flight) or open loop ({@code rate}: a pacer sends at a
 * constant rate and latency counts from the due time).
 */
public final class WsRequestLoad {

	/** What the client sends, to which path, in which encoding and over which HTTP. */
	public enum Kind {

		/** zmqws {@code request} to a REQ endpoint named {@code echo}. */
		GATEWAY("gateway", "/zmqws", "zmqws.v1.json"),
		/** the same text to the bare Reactor Netty echo. */
		BARE("bare", "/echo", null),
		/** zmqws {@code call} of {@code bench.echo} (a plain @ZmqRpc method). */
		RPC("rpc", "/zmqws", "zmqws.v1.json"),
		/** zmqws {@code call} of {@code bench.echoNonBlocking} (a plain method with {@code blocking = false}). */
		RPC_NONBLOCKING("rpc-nonblocking", "/zmqws", "zmqws.v1.json"),
		/** zmqws {@code call} of {@code bench.echoMono} (a Mono-returning @ZmqRpc method). */
		RPC_MONO("rpc-mono", "/zmqws", "zmqws.v1.json"),
		/** {@link #GATEWAY} in MessagePack (binary frames, the payload as {@code bin}). */
		GATEWAY_MSGPACK("gateway-msgpack", "/zmqws", "zmqws.v1.msgpack"),
		/** {@link #GATEWAY} on WebSockets over h2c (RFC 8441), all streams of one connection. */
		GATEWAY_H2C("gateway-h2c", "/zmqws", "zmqws.v1.json"),
		/** {@link #GATEWAY} on a gateway whose REQ endpoint is a JeroMQ DEALER (request-engine jeromq). */
		GATEWAY_JEROMQ("gateway-jeromq", "/zmqws", "zmqws.v1.json");

		final String label;

		final String path;

		final String subprotocol;

		Kind(String label, String path, String subprotocol) {
			this.label = label;
			this.path = path;
			this.subprotocol = subprotocol;
		}

		public String label() {
			return this.label;
		}

		boolean msgpack() {
			return this == GATEWAY_MSGPACK;
		}

		boolean opensSocket() {
			return this == GATEWAY || this == GATEWAY_MSGPACK || this == GATEWAY_H2C || this == GATEWAY_JEROMQ;
		}

		String scenario() {
			return switch (this) {
				case GATEWAY, BARE -> "reqrep";
				case RPC, RPC_NONBLOCKING, RPC_MONO -> "rpc";
				case GATEWAY_MSGPACK, GATEWAY_H2C, GATEWAY_JEROMQ -> "transports";
			};
		}

	}

	private static final int SLOTS = 1 << 16;

	private final Kind kind;

	private final String prefix;

	private final String suffix;

	/** MessagePack requests: the bytes before and after the id ({@code null} for JSON). */
	private final byte[][] packed;

	private final Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);

	private final AtomicLong completed = new AtomicLong();

	private final AtomicLong errors = new AtomicLong();

	private final AtomicLong sent = new AtomicLong();

	private volatile Phase phase = Phase.WARMUP;

	private volatile boolean closedLoop;

	public WsRequestLoad(Kind kind, int payloadBytes) {
		this.kind = kind;
		String payload = "x".repeat(payloadBytes);
		this.packed = kind.msgpack() ? MsgpackScan.requestAroundId(1, payload.getBytes(StandardCharsets.US_ASCII))
				: null;
		switch (kind) {
			case GATEWAY, BARE, GATEWAY_MSGPACK, GATEWAY_H2C, GATEWAY_JEROMQ -> {
				this.prefix = "{\"op\":\"request\",\"sid\":1,\"id\":";
				this.suffix = ",\"frames\":[\"" + payload + "\"]}";
			}
			default -> {
				this.prefix = "{\"op\":\"call\",\"id\":";
				String method = switch (kind) {
					case RPC -> "echo";
					case RPC_NONBLOCKING -> "echoNonBlocking";
					default -> "echoMono";
				};
				this.suffix = ",\"method\":\"bench." + method + "\",\"args\":[\"" + payload + "\"]}";
			}
		}
	}

	/** Per-connection state; touched by the connection's event loop (and the pacer). */
	private static final class Slots {

		final long[] startNanos = new long[SLOTS];

		long nextId;

		final CompletableFuture<Void> opened = new CompletableFuture<>();

	}

	/**
	 * Runs one measurement.
	 * @param rate requests per second over all connections, or 0 for the closed loop
	 */
	public Result run(int port, int connections, int inFlight, double rate, Duration warmup, Duration measure,
			Meter meter) {
		this.closedLoop = rate <= 0;
		URI uri = URI.create("ws://127.0.0.1:" + port + this.kind.path);
		HttpClient client = (this.kind == Kind.GATEWAY_H2C) ? HttpClient.create().protocol(HttpProtocol.H2C)
				: HttpClient.newConnection();
		List<Ws.Conn> conns = Ws.connectMany(client, uri, this.kind.subprotocol, connections, 64,
				(i) -> this::onFrame, this::prepare, Duration.ofSeconds(60));
		try {
			long deadlineWarmup = System.nanoTime() + warmup.toNanos();
			long deadlineMeasure = deadlineWarmup + measure.toNanos();
			if (this.closedLoop) {
				for (int i = 0; i < inFlight; i++) {
					Ws.Conn conn = conns.get(i % conns.size());
					conn.channel().eventLoop().execute(() -> send(conn, System.nanoTime()));
				}
				sleepUntil(deadlineWarmup);
				startMeasuring(meter);
				sleepUntil(deadlineMeasure);
			}
			else {
				Pacer pacer = new Pacer(System.nanoTime(), rate);
				boolean measuring = false;
				while (true) {
					long now = System.nanoTime();
					if (!measuring && now >= deadlineWarmup) {
						startMeasuring(meter);
						measuring = true;
					}
					if (now >= deadlineMeasure) {
						break;
					}
					long due;
					while ((due = pacer.takeDue(System.nanoTime())) != Long.MIN_VALUE) {
						Ws.Conn conn = conns.get((int) (pacer.nextIndex() % conns.size()));
						send(conn, due);
					}
					pacer.awaitNext();
				}
			}
			this.phase = Phase.DRAIN;
			meter.stop();
			Histogram latency = this.recorder.getIntervalHistogram();
			long count = latency.getTotalCount();
			// replies still missing after a short grace period count as errors in rate mode
			long unanswered = 0;
			if (!this.closedLoop) {
				long grace = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
				while (this.sent.get() > this.completed.get() + this.errors.get() && System.nanoTime() < grace) {
					LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
				}
				unanswered = Math.max(0, this.sent.get() - this.completed.get() - this.errors.get());
			}
			return new Result(this.kind.scenario(), this.kind.label,
					inFlight, this.closedLoop ? "max" : "rate", rate, count, meter.seconds(), latency,
					this.errors.get() + unanswered, meter.serverCpuPercent(), meter.clientCpuPercent());
		}
		finally {
			this.phase = Phase.DRAIN;
			Ws.closeAll(conns);
		}
	}

	private void startMeasuring(Meter meter) {
		this.recorder.reset();
		this.errors.set(0);
		meter.start();
		this.phase = Phase.MEASURE;
	}

	private static void sleepUntil(long deadline) {
		long wait;
		while ((wait = deadline - System.nanoTime()) > 0) {
			LockSupport.parkNanos(wait);
		}
	}

	private Mono<?> prepare(Ws.Conn conn) {
		Slots slots = new Slots();
		conn.state = slots;
		if (this.kind.opensSocket()) {
			// the gateway's clients wait for its welcome before they send
			return conn.firstFrame()
				.then(Mono.fromRunnable(() -> {
					if (this.kind.msgpack()) {
						conn.sendBinary(MsgpackScan.open(1, "echo"));
					}
					else {
						conn.send("{\"op\":\"open\",\"sid\":1,\"endpoint\":\"echo\"}");
					}
				}))
				.then(Mono.fromFuture(slots.opened))
				.timeout(Duration.ofSeconds(10));
		}
		return (this.kind != Kind.BARE) ? conn.firstFrame().timeout(Duration.ofSeconds(10)) : Mono.empty();
	}

	private void send(Ws.Conn conn, long startNanos) {
		Slots slots = (Slots) conn.state;
		long id = slots.nextId++;
		slots.startNanos[(int) (id & (SLOTS - 1))] = startNanos;
		this.sent.incrementAndGet();
		if (this.kind.msgpack()) {
			byte[] request = new byte[this.packed[0].length + 8 + this.packed[1].length];
			System.arraycopy(this.packed[0], 0, request, 0, this.packed[0].length);
			ByteBuffer.wrap(request, this.packed[0].length, 8).putLong(id);
			System.arraycopy(this.packed[1], 0, request, this.packed[0].length + 8, this.packed[1].length);
			conn.sendBinary(request);
		}
		else {
			conn.send((this.prefix + id + this.suffix).getBytes(StandardCharsets.US_ASCII));
		}
	}

	private void onFrame(Ws.Conn conn, ByteBuf frame) {
		Slots slots = (Slots) conn.state;
		if (slots == null) {
			return;
		}
		boolean msgpack = this.kind.msgpack();
		long id = msgpack ? MsgpackScan.id(frame) : Scan.id(frame);
		if (id == Scan.NONE) {
			if (msgpack ? MsgpackScan.opIs(frame, "opened") : Scan.opIs(frame, "opened")) {
				slots.opened.complete(null);
			}
			return;
		}
		long now = System.nanoTime();
		if (msgpack ? MsgpackScan.opIs(frame, "error") : Scan.opIs(frame, "error")) {
			this.errors.incrementAndGet();
		}
		else {
			this.completed.incrementAndGet();
			if (this.phase == Phase.MEASURE) {
				this.recorder.recordValue(Math.max(0, now - slots.startNanos[(int) (id & (SLOTS - 1))]));
			}
		}
		if (this.closedLoop && this.phase != Phase.DRAIN) {
			send(conn, now);
		}
	}

}
