package io.zmqws.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A real JeroMQ backend on its own thread for tests: a REP service, a PULL collector, or
 * a PUB/XPUB publisher driven from the test thread through a queue. Stops by a flag
 * checked between short polls, and closes its socket on its own thread.
 */
public final class ZmqBackend implements AutoCloseable {

	private final ZMQ.Context context = ZMQ.context(1);

	private final LinkedBlockingQueue<List<byte[]>> received = new LinkedBlockingQueue<>();

	private final LinkedBlockingQueue<List<byte[]>> toPublish = new LinkedBlockingQueue<>();

	private final CountDownLatch ready = new CountDownLatch(1);

	private final CountDownLatch done = new CountDownLatch(1);

	private final Thread thread;

	private volatile boolean stop;

	private ZmqBackend(String name, SocketType type, String address, Function<List<byte[]>, List<byte[]>> replier) {
		this.thread = new Thread(() -> run(type, address, replier), "test-backend-" + name);
		this.thread.setDaemon(true);
		this.thread.start();
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

	/**
	 * A REP service that answers each request with {@code replier}'s frames; when the
	 * replier returns {@code null} the backend dies at once, without replying.
	 */
	public static ZmqBackend rep(String address, Function<List<byte[]>, List<byte[]>> replier) {
		return new ZmqBackend("rep", SocketType.REP, address, replier);
	}

	/** A REP service that echoes requests. */
	public static ZmqBackend echo(String address) {
		return rep(address, (frames) -> frames);
	}

	/** A PULL socket that collects what is pushed. */
	public static ZmqBackend pull(String address) {
		return new ZmqBackend("pull", SocketType.PULL, address, null);
	}

	/** A PUB socket; use {@link #publish(List)}. */
	public static ZmqBackend pub(String address) {
		return new ZmqBackend("pub", SocketType.PUB, address, null);
	}

	/**
	 * An XPUB socket: {@link #received()} holds subscription messages (first byte 1 for
	 * subscribe, 0 for unsubscribe, then the topic).
	 */
	public static ZmqBackend xpub(String address) {
		return new ZmqBackend("xpub", SocketType.XPUB, address, null);
	}

	/** Queues a message for a PUB or XPUB backend to publish. */
	public void publish(List<byte[]> frames) {
		this.toPublish.add(frames);
	}

	/**
	 * Publishes {@code frames} again and again until {@code received} holds: a subscriber
	 * may still be joining, and ZeroMQ drops what a PUB sends before it has joined.
	 */
	public void publishUntil(List<byte[]> frames, BooleanSupplier received, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!received.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Nothing published was received within " + timeout);
			}
			publish(frames);
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}
	}

	/** What the backend received: requests, pushed messages or subscription messages. */
	public LinkedBlockingQueue<List<byte[]>> received() {
		return this.received;
	}

	private void run(SocketType type, String address, Function<List<byte[]>, List<byte[]>> replier) {
		ZMQ.Socket socket = this.context.socket(type);
		socket.setLinger(0);
		if (type == SocketType.XPUB) {
			socket.setXpubVerbose(true);
		}
		socket.bind(address);
		this.ready.countDown();
		try {
			while (!this.stop) {
				List<byte[]> next;
				while ((next = this.toPublish.poll()) != null) {
					send(socket, next);
				}
				if (type == SocketType.PUB) {
					Thread.onSpinWait();
					List<byte[]> queued = pollQueue();
					if (queued != null) {
						send(socket, queued);
					}
					continue;
				}
				byte[] first = socket.recv(ZMQ.DONTWAIT);
				if (first == null) {
					List<byte[]> queued = pollQueue();
					if (queued != null) {
						send(socket, queued);
					}
					continue;
				}
				List<byte[]> frames = new ArrayList<>();
				frames.add(first);
				while (socket.hasReceiveMore()) {
					frames.add(socket.recv(0));
				}
				this.received.add(frames);
				if (type == SocketType.REP) {
					List<byte[]> reply = replier.apply(frames);
					if (reply == null) {
						break;
					}
					send(socket, reply);
				}
			}
		}
		finally {
			socket.close();
			this.done.countDown();
		}
	}

	private List<byte[]> pollQueue() {
		try {
			return this.toPublish.poll(2, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.stop = true;
			return null;
		}
	}

	private static void send(ZMQ.Socket socket, List<byte[]> frames) {
		for (int i = 0; i < frames.size(); i++) {
			socket.send(frames.get(i), (i < frames.size() - 1) ? ZMQ.SNDMORE : 0);
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
