package io.zmqws.socket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import reactor.core.publisher.Mono;

/**
 * Owns one ZeroMQ socket and the one thread that may touch it.
 * <p>
 * Other threads hand work to the loop through {@link #execute(Runnable)}: a bounded
 * queue plus a wake-up byte on a pipe that the loop waits on beside its socket. While it
 * finds work (commands or messages) the loop goes round without waiting; a wait that
 * brings nothing to do is followed by a yield and one more look before the next wait.
 * The loop is stopped by a flag and the same wake-up, never by interrupting its thread,
 * and it closes its socket itself before it ends.
 */
public abstract class SocketLoop implements ZmqEndpoint {

	private static final Log logger = LogFactory.getLog(SocketLoop.class);

	private static final int RECEIVE_BATCH = 256;

	/** Rounds that found work in a row before the loop checks its channels all the same. */
	private static final int MAX_ROUNDS_WITHOUT_WAIT = 64;

	private final EndpointDefinition endpoint;

	private final ZMQ.Context context;

	private final ArrayBlockingQueue<Runnable> commands;

	private final AtomicBoolean wakeupPending = new AtomicBoolean();

	private final Pipe wakeup;

	private final Thread thread;

	private final CompletableFuture<Void> started = new CompletableFuture<>();

	private final CountDownLatch terminated = new CountDownLatch(1);

	private volatile boolean stopRequested;

	private ZMQ.Socket socket;

	private ZMQ.Socket monitor;

	private volatile int connectedPeers;

	protected SocketLoop(EndpointDefinition endpoint, ZMQ.Context context) {
		this.endpoint = endpoint;
		this.context = context;
		this.commands = new ArrayBlockingQueue<>(endpoint.options().commandQueueCapacity());
		try {
			this.wakeup = Pipe.open();
			this.wakeup.source().configureBlocking(false);
			this.wakeup.sink().configureBlocking(false);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot open wake-up pipe for endpoint '" + endpoint.name() + "'", ex);
		}
		this.thread = new Thread(this::run, "zmqws-" + endpoint.type().name().toLowerCase() + "-" + endpoint.name());
		this.thread.setDaemon(true);
	}

	/** The endpoint this loop serves. */
	public EndpointDefinition endpoint() {
		return this.endpoint;
	}

	/** The ZeroMQ socket type to create. */
	protected abstract SocketType socketType();

	/** Sets socket options of a subclass's own, on the loop thread, before bind or connect. */
	protected void configure(ZMQ.Socket socket) {
	}

	/** Whether the loop reads from its socket. */
	protected boolean readable() {
		return true;
	}

	/** Called on the loop thread for every message received. */
	protected void onMessage(List<byte[]> frames) {
	}

	/**
	 * The {@link System#nanoTime()} at which {@link #onTimer(long)} is next due, or
	 * {@code Long.MAX_VALUE} for none. Called on the loop thread.
	 */
	protected long nextTimer() {
		return Long.MAX_VALUE;
	}

	/** Called on the loop thread when a timer may be due. */
	protected void onTimer(long now) {
	}

	/** Called on the loop thread before the socket closes. */
	protected void onStop() {
	}

	/**
	 * Called on the loop thread when a backend connection is lost or made.
	 * @param peers the number of backend connections now established
	 */
	protected void onPeersChanged(int peers) {
	}

	/** The number of backend connections established now. */
	public int connectedPeers() {
		return this.connectedPeers;
	}

	/** The socket, for subclasses running on the loop thread. */
	protected final ZMQ.Socket socket() {
		return this.socket;
	}

	/** Whether the caller runs on this loop's thread. */
	protected final boolean inLoop() {
		return Thread.currentThread() == this.thread;
	}

	/**
	 * Starts the thread, creates, configures and binds or connects the socket, and
	 * returns once the socket is ready.
	 * @throws IllegalStateException when the socket cannot be set up
	 */
	public void start(Duration timeout) {
		this.thread.start();
		try {
			this.started.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("Cannot start ZeroMQ endpoint '" + this.endpoint.name() + "': "
					+ ex.getCause().getMessage(), ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("ZeroMQ endpoint '" + this.endpoint.name() + "' did not start in " + timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while starting endpoint '" + this.endpoint.name() + "'");
		}
	}

	/**
	 * Asks the loop to run {@code command} on its thread.
	 * @return {@code false} when the loop is stopping or its queue is full
	 */
	public final boolean execute(Runnable command) {
		if (this.stopRequested || !this.commands.offer(command)) {
			return false;
		}
		wakeUp();
		return true;
	}

	/**
	 * Stops the loop: it finishes the command at hand, calls {@link #onStop()}, closes
	 * its socket and ends.
	 * @return whether the thread ended within the timeout
	 */
	public boolean stop(Duration timeout) {
		this.stopRequested = true;
		wakeUp();
		if (!this.thread.isAlive() && !this.started.isDone()) {
			return true;
		}
		try {
			return this.terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private void wakeUp() {
		if (this.wakeupPending.compareAndSet(false, true)) {
			try {
				this.wakeup.sink().write(ByteBuffer.wrap(new byte[] { 1 }));
			}
			catch (IOException ex) {
				// Only while closing; the loop sees stopRequested on its next turn.
			}
		}
	}

	private void run() {
		Selector selector = null;
		SelectionKey wakeupKey;
		SelectionKey monitorKey;
		try {
			this.socket = createSocket();
			selector = Selector.open();
			// A JeroMQ socket signals on its mailbox's channel whenever it has commands or
			// messages to process: waiting on the channels here costs one system call.
			this.socket.getFD().register(selector, SelectionKey.OP_READ);
			monitorKey = this.monitor.getFD().register(selector, SelectionKey.OP_READ);
			wakeupKey = this.wakeup.source().register(selector, SelectionKey.OP_READ);
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(selector);
			if (this.monitor != null) {
				this.monitor.close();
			}
			if (this.socket != null) {
				this.socket.close();
			}
			this.started.completeExceptionally(ex);
			this.terminated.countDown();
			return;
		}
		this.started.complete(null);
		ByteBuffer drain = ByteBuffer.allocate(64);
		try {
			// A JeroMQ socket signals a new message only to a reader that found none before:
			// read the monitor once so that its first event wakes the loop.
			readMonitorEvents();
			boolean busy = false;
			boolean lookAgain = false;
			int busyRounds = 0;
			while (!this.stopRequested) {
				// While rounds find work (commands or messages), go round again without
				// waiting: more most likely waits already, and a wait costs more than a round
				// that finds nothing. When a wait ends but brings nothing to do (a wake-up for
				// work done meanwhile, a socket's internal command), yield the CPU and look
				// once more before waiting again: the threads that feed this loop (on a busy
				// core, the ones it shares the core with) run meanwhile, so that it wakes
				// less often and finds batches rather than single items. Wake-ups are read
				// only after a wait; one left in the pipe makes the next wait return at once.
				boolean idle = !busy && !lookAgain;
				boolean waited = idle || busyRounds >= MAX_ROUNDS_WITHOUT_WAIT;
				if (waited) {
					await(selector, idle ? pollTimeout() : 0);
					busyRounds = 0;
				}
				try {
					if (waited && isReady(selector, wakeupKey)) {
						drainWakeups(drain);
					}
					if (waited && isReady(selector, monitorKey)) {
						readMonitorEvents();
					}
					if (waited && !readable()) {
						// processes the socket's commands, which signalled its channel
						this.socket.getEvents();
					}
					selector.selectedKeys().clear();
					int work = runCommands();
					if (readable()) {
						work += receiveBatch();
					}
					long now = System.nanoTime();
					if (nextTimer() <= now) {
						onTimer(now);
					}
					busy = work > 0;
					lookAgain = !busy && idle;
					if (busy) {
						busyRounds++;
					}
					else if (lookAgain) {
						Thread.yield();
					}
				}
				catch (RuntimeException ex) {
					busy = false;
					lookAgain = false;
					logger.error("ZeroMQ loop of endpoint '" + this.endpoint.name() + "' hit an error; carrying on", ex);
				}
			}
		}
		catch (Throwable ex) {
			logger.error("ZeroMQ loop of endpoint '" + this.endpoint.name() + "' failed", ex);
		}
		finally {
			this.stopRequested = true;
			try {
				runCommands();
				onStop();
			}
			finally {
				closeQuietly(selector);
				this.socket.monitor(null, 0);
				this.monitor.close();
				this.socket.close();
				closeQuietly(this.wakeup.source());
				closeQuietly(this.wakeup.sink());
				this.terminated.countDown();
			}
		}
	}

	/**
	 * Waits until a channel is ready or the timeout passes ({@code -1}: no timeout,
	 * {@code 0}: no wait); the ready channels' keys are then the selector's selected keys.
	 */
	private static void await(Selector selector, int timeoutMillis) throws IOException {
		if (timeoutMillis < 0) {
			selector.select();
		}
		else if (timeoutMillis == 0) {
			selector.selectNow();
		}
		else {
			selector.select(timeoutMillis);
		}
	}

	private static boolean isReady(Selector selector, SelectionKey key) {
		return selector.selectedKeys().contains(key);
	}

	private ZMQ.Socket createSocket() {
		SocketOptions options = this.endpoint.options();
		ZMQ.Socket created = this.context.socket(socketType());
		try {
			created.setLinger(options.linger().toMillis());
			created.setSndHWM(options.sendHighWaterMark());
			created.setRcvHWM(options.receiveHighWaterMark());
			created.setMaxMsgSize(options.maxMessageSize());
			created.setReconnectIVL(options.reconnectInterval().toMillis());
			created.setReconnectIVLMax(options.reconnectIntervalMax().toMillis());
			// A short handshake limit bounds JeroMQ's occasional stalled connection handshake.
			created.setHandshakeIvl((int) options.handshakeTimeout().toMillis());
			if (socketType() != SocketType.SUB) {
				// JeroMQ 0.6.0 inverts ZMQ_IMMEDIATE: setImmediate(false) is what libzmq calls
				// immediate (queue only to completed connections).
				created.setImmediate(!options.immediate());
			}
			String monitorAddress = "inproc://zmqws-monitor-" + this.endpoint.name() + "-"
					+ Integer.toHexString(System.identityHashCode(this));
			created.monitor(monitorAddress, ZMQ.EVENT_CONNECTED | ZMQ.EVENT_ACCEPTED | ZMQ.EVENT_DISCONNECTED);
			this.monitor = this.context.socket(SocketType.PAIR);
			this.monitor.connect(monitorAddress);
			configure(created);
			if (this.endpoint.addresses().stream().anyMatch((address) -> address.startsWith("tcp://["))) {
				created.setIPv6(true);
			}
			for (String address : this.endpoint.addresses()) {
				boolean done = this.endpoint.bind() ? created.bind(address) : created.connect(address);
				if (!done) {
					throw new IllegalStateException((this.endpoint.bind() ? "bind to " : "connect to ") + address
							+ " failed");
				}
			}
			return created;
		}
		catch (RuntimeException ex) {
			created.close();
			throw ex;
		}
	}

	private void readMonitorEvents() {
		ZMQ.Event event;
		int peers = this.connectedPeers;
		while ((event = ZMQ.Event.recv(this.monitor, ZMQ.DONTWAIT)) != null) {
			if (event.getEvent() == ZMQ.EVENT_DISCONNECTED) {
				peers = Math.max(0, peers - 1);
			}
			else {
				peers++;
			}
		}
		if (peers != this.connectedPeers) {
			this.connectedPeers = peers;
			onPeersChanged(peers);
		}
	}

	private int pollTimeout() {
		long next = nextTimer();
		if (next == Long.MAX_VALUE) {
			return -1;
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()) + 1;
		return (int) Math.max(0, Math.min(millis, Integer.MAX_VALUE));
	}

	private void drainWakeups(ByteBuffer buffer) throws IOException {
		int read;
		do {
			buffer.clear();
			read = this.wakeup.source().read(buffer);
		}
		while (read > 0);
		this.wakeupPending.set(false);
	}

	private int runCommands() {
		int ran = 0;
		Runnable command;
		while ((command = this.commands.poll()) != null) {
			ran++;
			try {
				command.run();
			}
			catch (RuntimeException ex) {
				logger.error("Command on endpoint '" + this.endpoint.name() + "' failed", ex);
			}
		}
		return ran;
	}

	private int receiveBatch() {
		for (int i = 0; i < RECEIVE_BATCH; i++) {
			byte[] first = this.socket.recv(ZMQ.DONTWAIT);
			if (first == null) {
				return i;
			}
			List<byte[]> frames = new ArrayList<>(4);
			frames.add(first);
			while (this.socket.hasReceiveMore()) {
				frames.add(this.socket.recv(0));
			}
			try {
				onMessage(frames);
			}
			catch (RuntimeException ex) {
				logger.error("Handling a message on endpoint '" + this.endpoint.name() + "' failed", ex);
			}
		}
		return RECEIVE_BATCH;
	}

	/**
	 * Hands a message to ZeroMQ on the loop thread; completes once queued for sending, or
	 * fails with {@code BACKEND_UNAVAILABLE} (no connected backend with {@code immediate},
	 * or ZeroMQ cannot take it) or {@code OVERLOADED} (the loop's queue is full).
	 */
	protected final Mono<Void> send(List<byte[]> prefix, List<byte[]> frames) {
		return Handover.send(this.endpoint.name(), this::execute, () -> {
			boolean noPeer = this.endpoint.options().immediate() && this.connectedPeers == 0;
			return !noPeer && sendMultipart(prefix, frames);
		});
	}

	/**
	 * Sends a multipart message without waiting.
	 * @return {@code false} when ZeroMQ would block (no peer, or high-water mark reached)
	 * or refuses the message (e.g. an unreachable peer of a mandatory ROUTER); the socket's
	 * {@code errno()} tells which
	 */
	protected final boolean sendMultipart(List<byte[]> prefix, List<byte[]> frames) {
		try {
			return sendFrames(prefix, frames);
		}
		catch (ZMQException ex) {
			return false;
		}
	}

	private boolean sendFrames(List<byte[]> prefix, List<byte[]> frames) {
		int total = prefix.size() + frames.size();
		int index = 0;
		for (List<byte[]> part : List.of(prefix, frames)) {
			for (byte[] frame : part) {
				index++;
				int flags = (index < total) ? ZMQ.SNDMORE : 0;
				if (index == 1) {
					if (!this.socket.send(frame, flags | ZMQ.DONTWAIT)) {
						return false;
					}
				}
				else {
					this.socket.send(frame, flags);
				}
			}
		}
		return true;
	}

	private static void closeQuietly(AutoCloseable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// closing anyway
			}
		}
	}

}
