package io.zmqws.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A real JeroMQ ROUTER backend on its own thread for tests, driven by hand: it keeps
 * every message it receives, identity frame first, and sends exactly the frames it is
 * given, identity frame first, so a test can answer late, twice, out of order or not at
 * all. Stops by a flag checked between short receive timeouts, and closes its socket on
 * its own thread.
 */
public final class RouterBackend implements AutoCloseable {

	private final ZMQ.Context context = ZMQ.context(1);

	private final LinkedBlockingQueue<List<byte[]>> received = new LinkedBlockingQueue<>();

	private final LinkedBlockingQueue<List<byte[]>> toSend = new LinkedBlockingQueue<>();

	private final CountDownLatch ready = new CountDownLatch(1);

	private final CountDownLatch done = new CountDownLatch(1);

	private volatile boolean stop;

	private RouterBackend(String address) {
		Thread thread = new Thread(() -> run(address), "test-backend-router");
		thread.setDaemon(true);
		thread.start();
		try {
			if (!this.ready.await(10, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Backend did not start");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** A ROUTER socket bound to {@code address}. */
	public static RouterBackend bind(String address) {
		return new RouterBackend(address);
	}

	/** Every message received so far and not yet taken, identity frame first. */
	public LinkedBlockingQueue<List<byte[]>> received() {
		return this.received;
	}

	/** The next message received, waiting up to 10 seconds for it. */
	public List<byte[]> take() {
		return take(Duration.ofSeconds(10));
	}

	/** The next message received, waiting up to {@code timeout} for it. */
	public List<byte[]> take(Duration timeout) {
		List<byte[]> next = poll(timeout);
		if (next == null) {
			throw new AssertionError("Backend received nothing within " + timeout);
		}
		return next;
	}

	/** The next message received, or {@code null} if none arrives within {@code timeout}. */
	public List<byte[]> poll(Duration timeout) {
		try {
			return this.received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Queues frames for sending as they are: the first frame names the peer. */
	public void send(List<byte[]> frames) {
		this.toSend.add(frames);
	}

	private void run(String address) {
		ZMQ.Socket socket = this.context.socket(SocketType.ROUTER);
		try {
			socket.setLinger(0);
			socket.setReceiveTimeOut(5);
			socket.bind(address);
			this.ready.countDown();
			while (!this.stop) {
				List<byte[]> next;
				while ((next = this.toSend.poll()) != null) {
					for (int i = 0; i < next.size(); i++) {
						socket.send(next.get(i), (i < next.size() - 1) ? ZMQ.SNDMORE : 0);
					}
				}
				byte[] first = socket.recv(0);
				if (first == null) {
					continue;
				}
				List<byte[]> frames = new ArrayList<>();
				frames.add(first);
				while (socket.hasReceiveMore()) {
					frames.add(socket.recv(0));
				}
				this.received.add(frames);
			}
		}
		finally {
			socket.close();
			this.done.countDown();
		}
	}

	@Override
	public void close() {
		this.stop = true;
		try {
			this.done.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.context.term();
	}

}
