package io.zmqws.bench.load;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * The ZeroMQ floor of scenario (a): a JeroMQ DEALER in the load generator talks straight
 * to the same REP echo the gateway uses, with the same payload, in-flight counts and
 * pacing as the WebSocket client. Each request is {@code [8-byte id, empty, payload]}.
 * <p>
 * Like the gateway's DEALER, this one is long-lived: connected once, used for every run
 * (from one thread), with ids that keep counting up so that a late reply of an earlier
 * run is recognised and ignored.
 */
public final class ZmqRequestLoad implements AutoCloseable {

	private static final int SLOTS = 1 << 16;

	private static final byte[] EMPTY = new byte[0];

	private final byte[] payload;

	private final ZMQ.Socket dealer;

	private final ZMQ.Poller poller;

	private final long[] starts = new long[SLOTS];

	private long nextId = 1;

	public ZmqRequestLoad(ZMQ.Context context, int repPort, int payloadBytes) {
		this.payload = "x".repeat(payloadBytes).getBytes();
		this.dealer = context.socket(SocketType.DEALER);
		this.dealer.setLinger(0);
		this.dealer.setSndHWM(100_000);
		this.dealer.setRcvHWM(100_000);
		this.dealer.connect("tcp://127.0.0.1:" + repPort);
		this.poller = context.poller(1);
		this.poller.register(this.dealer, ZMQ.Poller.POLLIN);
	}

	@Override
	public void close() {
		this.poller.close();
		this.dealer.close();
	}

	public Result run(int inFlight, double rate, Duration warmup, Duration measure, Meter meter) {
		boolean closedLoop = rate <= 0;
		ZMQ.Socket dealer = this.dealer;
		ZMQ.Poller poller = this.poller;
		long[] starts = this.starts;
		Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
		long firstId = this.nextId;
		long sent = 0;
		long received = 0;
		long count = 0;
		boolean measuring = false;
		long deadlineWarmup = System.nanoTime() + warmup.toNanos();
		long deadlineMeasure = deadlineWarmup + measure.toNanos();
		Pacer pacer = closedLoop ? null : new Pacer(System.nanoTime(), rate);
		if (closedLoop) {
			for (int i = 0; i < inFlight; i++) {
				send(dealer, this.nextId++, starts, System.nanoTime());
				sent++;
			}
		}
		while (true) {
			long now = System.nanoTime();
			if (!measuring && now >= deadlineWarmup) {
				latency.reset();
				count = 0;
				meter.start();
				measuring = true;
			}
			if (now >= deadlineMeasure) {
				break;
			}
			if (!closedLoop) {
				long due;
				while ((due = pacer.takeDue(System.nanoTime())) != Long.MIN_VALUE) {
					send(dealer, this.nextId++, starts, due);
					sent++;
				}
			}
			long waitNanos = closedLoop ? TimeUnit.MILLISECONDS.toNanos(100)
					: pacer.dueTime(pacer.nextIndex()) - System.nanoTime();
			int ready = (waitNanos >= 1_000_000) ? poller.poll(TimeUnit.NANOSECONDS.toMillis(waitNanos))
					: poller.poll(0);
			if (ready <= 0) {
				if (waitNanos > 0 && waitNanos < 1_000_000) {
					java.util.concurrent.locks.LockSupport.parkNanos(Math.min(waitNanos, 50_000));
				}
				continue;
			}
			byte[] idFrame;
			while ((idFrame = dealer.recv(ZMQ.DONTWAIT)) != null) {
				while (dealer.hasReceiveMore()) {
					dealer.recv(0);
				}
				long done = System.nanoTime();
				long id = ByteBuffer.wrap(idFrame).getLong();
				if (id < firstId) {
					continue; // a late reply of an earlier run
				}
				received++;
				if (measuring) {
					latency.recordValue(Math.max(0, done - starts[(int) (id & (SLOTS - 1))]));
					count++;
				}
				if (closedLoop) {
					send(dealer, this.nextId++, starts, done);
					sent++;
				}
			}
		}
		meter.stop();
		// drain what is still on its way so the REP is idle for the next run
		long grace = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		while (received < sent && System.nanoTime() < grace) {
			if (poller.poll(50) > 0) {
				while (dealer.recv(ZMQ.DONTWAIT) != null) {
					if (!dealer.hasReceiveMore()) {
						received++;
					}
				}
			}
		}
		// in the closed loop the last window is always in flight; more than that went missing
		long unanswered = Math.max(0, sent - received - (closedLoop ? inFlight : 0));
		if (count == 0) {
			unanswered = Math.max(unanswered, sent - received);
		}
		return new Result("reqrep", "zmq", inFlight, closedLoop ? "max" : "rate", rate, count, meter.seconds(),
				latency, unanswered, meter.serverCpuPercent(), meter.clientCpuPercent());
	}

	private void send(ZMQ.Socket dealer, long id, long[] starts, long startNanos) {
		starts[(int) (id & (SLOTS - 1))] = startNanos;
		dealer.send(ByteBuffer.allocate(8).putLong(id).array(), ZMQ.SNDMORE);
		dealer.send(EMPTY, ZMQ.SNDMORE);
		dealer.send(this.payload, 0);
	}

}
