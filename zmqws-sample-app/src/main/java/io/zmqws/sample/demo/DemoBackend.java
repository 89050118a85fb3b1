package io.zmqws.sample.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * One demo service: a thread that owns one ZeroMQ socket, creating, binding and closing
 * it itself.
 * <p>
 * The thread never waits longer than {@link #POLL_TIMEOUT} at a time, so it notices
 * {@link #requestStop()} quickly; it is never interrupted, because an interrupt would
 * break the channels of the ZeroMQ socket it owns.
 */
abstract class DemoBackend {

	static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

	private final Log logger = LogFactory.getLog(getClass());

	private final ZMQ.Context context;

	private final SocketType socketType;

	private final String address;

	private final Thread thread;

	private final CompletableFuture<Void> bound = new CompletableFuture<>();

	private volatile boolean running = true;

	DemoBackend(String threadName, ZMQ.Context context, SocketType socketType, int port) {
		this.context = context;
		this.socketType = socketType;
		this.address = "tcp://127.0.0.1:" + port;
		this.thread = new Thread(this::run, threadName);
		this.thread.setDaemon(true);
	}

	String address() {
		return this.address;
	}

	/**
	 * Starts the thread and returns once its socket is bound.
	 * @throws IllegalStateException when the socket cannot be bound in time
	 */
	void start(Duration timeout) {
		this.thread.start();
		try {
			this.bound.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Cannot bind demo " + this.socketType + " socket to " + this.address + ": "
					+ ex.getCause().getMessage(), ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Demo " + this.socketType + " socket on " + this.address
					+ " was not bound within " + timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while binding a demo socket to " + this.address);
		}
	}

	/** Asks the thread to close its socket and end; returns at once. */
	void requestStop() {
		this.running = false;
	}

	/** Waits for the thread to end; {@code true} if it did (or never started). */
	boolean awaitStop(Duration timeout) {
		try {
			this.thread.join(timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return !this.thread.isAlive();
	}

	/** Whether the service should go on; checked by {@link #serve(ZMQ.Socket)}. */
	protected final boolean isRunning() {
		return this.running;
	}

	/**
	 * Serves on the bound socket until {@link #isRunning()} turns {@code false}, waiting
	 * at most {@link #POLL_TIMEOUT} at a time. Receives on the socket time out after that
	 * long.
	 */
	protected abstract void serve(ZMQ.Socket socket) throws InterruptedException;

	private void run() {
		ZMQ.Socket socket = this.context.socket(this.socketType);
		try {
			socket.setLinger(0);
			socket.setReceiveTimeOut((int) POLL_TIMEOUT.toMillis());
			socket.bind(this.address);
		}
		catch (RuntimeException ex) {
			socket.close();
			this.bound.completeExceptionally(ex);
			return;
		}
		this.bound.complete(null);
		try {
			serve(socket);
		}
		catch (InterruptedException ex) {
			// Nothing here interrupts this thread; the flag is clear again, so the socket
			// can still be closed properly.
			this.logger.warn("Demo " + this.socketType + " service on " + this.address + " was interrupted; stopping");
		}
		catch (RuntimeException ex) {
			this.logger.error("Demo " + this.socketType + " service on " + this.address + " failed", ex);
		}
		finally {
			socket.close();
		}
	}

	/** Receives one multipart message, or returns {@code null} when none came in time. */
	protected static List<byte[]> receive(ZMQ.Socket socket) {
		byte[] first = socket.recv(0);
		if (first == null) {
			return null;
		}
		List<byte[]> frames = new ArrayList<>(4);
		frames.add(first);
		while (socket.hasReceiveMore()) {
			frames.add(socket.recv(0));
		}
		return frames;
	}

	/** Sends one multipart message. */
	protected static void send(ZMQ.Socket socket, List<byte[]> frames) {
		int last = frames.size() - 1;
		for (int i = 0; i <= last; i++) {
			socket.send(frames.get(i), (i < last) ? ZMQ.SNDMORE : 0);
		}
	}

}
