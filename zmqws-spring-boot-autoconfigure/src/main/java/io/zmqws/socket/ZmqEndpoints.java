package io.zmqws.socket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.ZMQ;

/**
 * The gateway's named endpoints and the ZeroMQ context they share.
 * <p>
 * {@link #start()} sets up every endpoint's socket on its own thread; {@link #close()}
 * stops the loops, each closing its own socket, and then terminates the context, leaving
 * no thread behind.
 */
public final class ZmqEndpoints implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ZmqEndpoints.class);

	private final ZMQ.Context context;

	private final Map<String, ZmqEndpoint> loops = new LinkedHashMap<>();

	private final List<SocketLoop> extraLoops = new CopyOnWriteArrayList<>();

	private final Duration startTimeout;

	private final Duration stopTimeout;

	private volatile boolean closed;

	/**
	 * @param definitions the endpoints
	 * @param ioThreads ZeroMQ I/O threads for the shared context
	 * @param startTimeout how long one endpoint may take to set up its socket
	 * @param stopTimeout how long one endpoint may take to close its socket
	 */
	public ZmqEndpoints(Collection<EndpointDefinition> definitions, int ioThreads, Duration startTimeout,
			Duration stopTimeout) {
		this(definitions, ioThreads, startTimeout, stopTimeout, null);
	}

	/**
	 * @param definitions the endpoints
	 * @param ioThreads ZeroMQ I/O threads for the shared context
	 * @param startTimeout how long one endpoint may take to set up its socket
	 * @param stopTimeout how long one endpoint may take to close its socket
	 * @param requestChannels creates the request channels of the REQ and RPC endpoints
	 * that it can carry, returning {@code null} for every other endpoint (which then gets a
	 * JeroMQ socket); or {@code null} for JeroMQ everywhere
	 */
	public ZmqEndpoints(Collection<EndpointDefinition> definitions, int ioThreads, Duration startTimeout,
			Duration stopTimeout, Function<EndpointDefinition, RequestChannel> requestChannels) {
		this.context = ZMQ.context(ioThreads);
		this.startTimeout = startTimeout;
		this.stopTimeout = stopTimeout;
		for (EndpointDefinition definition : definitions) {
			RequestChannel channel = (requestChannels != null) ? requestChannels.apply(definition) : null;
			this.loops.put(definition.name(), (channel != null) ? channel : create(definition));
		}
	}

	private ZmqEndpoint create(EndpointDefinition definition) {
		return switch (definition.type()) {
			case REQ, RPC -> new DealerRequestChannel(definition, this.context);
			case SUB -> new SubscriptionHub(definition, this.context);
			case PUSH -> new PushChannel(definition, this.context);
		};
	}

	/** Starts every endpoint; on failure, stops those already started and rethrows. */
	public void start() {
		List<ZmqEndpoint> started = new ArrayList<>();
		try {
			for (ZmqEndpoint loop : this.loops.values()) {
				started.add(loop);
				loop.start(this.startTimeout);
			}
		}
		catch (RuntimeException ex) {
			boolean allStopped = true;
			for (ZmqEndpoint loop : started) {
				allStopped &= loop.stop(this.stopTimeout);
			}
			if (allStopped) {
				this.context.term();
			}
			this.closed = true;
			throw ex;
		}
	}

	/**
	 * Creates and starts a loop that is not a named endpoint (such as a server socket) on
	 * the shared context; it is stopped with the endpoints.
	 */
	public <T extends SocketLoop> T startLoop(Function<ZMQ.Context, T> factory) {
		T loop = factory.apply(this.context);
		loop.start(this.startTimeout);
		this.extraLoops.add(loop);
		return loop;
	}

	/** The endpoint called {@code name}, or {@code null}. */
	public ZmqEndpoint find(String name) {
		return this.loops.get(name);
	}

	/** Every endpoint, in configuration order. */
	public Collection<ZmqEndpoint> all() {
		return this.loops.values();
	}

	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		boolean allStopped = true;
		List<ZmqEndpoint> every = new ArrayList<>(this.extraLoops);
		every.addAll(this.loops.values());
		for (ZmqEndpoint loop : every) {
			if (!loop.stop(this.stopTimeout)) {
				allStopped = false;
				logger.warn("ZeroMQ endpoint '" + loop.endpoint().name() + "' did not stop within " + this.stopTimeout);
			}
		}
		if (allStopped) {
			this.context.term();
		}
		else {
			logger.warn("Leaving the ZeroMQ context open because a socket is still in use");
		}
	}

}
