package io.zmqws.socket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.util.NetUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One event loop's share of a {@link ZmtpRequestChannel}: its own connection to every
 * backend, its pending requests, its bounded queue of commands and its timers, all
 * touched on that loop only. Requests made on the loop (by the connections it serves)
 * are written to a backend without changing threads, and their replies arrive on the
 * same loop.
 */
final class ZmtpLane {

	private static final Log logger = LogFactory.getLog(ZmtpRequestChannel.class);

	private static final int DRAIN_BATCH = 1024;

	private static final Object WAITING = new Object();

	private final EndpointDefinition endpoint;

	private final EventLoop loop;

	private final Class<? extends Channel> channelType;

	private final PendingRequests pending;

	private final ArrayBlockingQueue<Runnable> commands;

	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	private final Runnable drain = this::drain;

	private final List<Peer> peers = new ArrayList<>();

	private final List<Peer> unflushed = new ArrayList<>();

	/** Without {@code immediate}: messages waiting for a first connection. */
	private final ArrayDeque<List<byte[]>[]> waiting = new ArrayDeque<>();

	private int nextPeer;

	private volatile int connectedPeers;

	private volatile boolean stopped;

	private ScheduledFuture<?> timer;

	private long timerDeadline = Long.MAX_VALUE;

	ZmtpLane(EndpointDefinition endpoint, List<ZmtpRequestChannel.Address> addresses, EventLoop loop,
			Class<? extends Channel> channelType) {
		this.endpoint = endpoint;
		this.loop = loop;
		this.channelType = channelType;
		this.commands = new ArrayBlockingQueue<>(endpoint.options().commandQueueCapacity());
		this.pending = new PendingRequests(endpoint, new PendingRequests.Owner() {

			@Override
			public boolean execute(Runnable command) {
				return ZmtpLane.this.execute(command);
			}

			@Override
			public Object send(List<byte[]> envelope, List<byte[]> frames) {
				return ZmtpLane.this.send(envelope, frames);
			}

			@Override
			public void earliestDeadlineChanged(long deadline) {
				scheduleTimer(deadline);
			}

		});
		for (ZmtpRequestChannel.Address address : addresses) {
			this.peers.add(new Peer(address.text(), address.host(), address.port()));
		}
	}

	/** Connections to backends that completed their handshake. */
	int connectedPeers() {
		return this.connectedPeers;
	}

	void start() {
		try {
			this.loop.execute(() -> this.peers.forEach(this::connect));
		}
		catch (RejectedExecutionException ex) {
			throw new IllegalStateException("Cannot start ZeroMQ endpoint '" + this.endpoint.name()
					+ "': its event loop is shutting down", ex);
		}
	}

	boolean inEventLoop() {
		return this.loop.inEventLoop();
	}

	boolean stop(Duration timeout) {
		this.stopped = true;
		if (this.loop.inEventLoop()) {
			shutDown();
			return true;
		}
		CountDownLatch done = new CountDownLatch(1);
		try {
			this.loop.execute(() -> {
				shutDown();
				done.countDown();
			});
			return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			shutDown();
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	Mono<List<byte[]>> request(List<byte[]> frames, Duration timeout) {
		return this.pending.request(frames, timeout);
	}

	Flux<List<byte[]>> requestStream(List<byte[]> frames, Duration idleTimeout,
			Predicate<List<byte[]>> isLast) {
		return this.pending.requestStream(frames, idleTimeout, isLast);
	}

	Mono<Void> post(List<byte[]> frames) {
		return Handover.send(this.endpoint.name(), this::execute,
				() -> send(this.pending.postEnvelope(), frames) != null);
	}

	long droppedReplies() {
		return this.pending.droppedReplies();
	}

	private boolean execute(Runnable command) {
		if (this.stopped || !this.commands.offer(command)) {
			return false;
		}
		if (this.drainScheduled.compareAndSet(false, true)) {
			try {
				this.loop.execute(this.drain);
			}
			catch (RejectedExecutionException ex) {
				this.commands.remove(command);
				return false;
			}
		}
		return true;
	}

	private void drain() {
		int ran = 0;
		do {
			Runnable command;
			while ((command = this.commands.poll()) != null) {
				run(command);
				if (++ran == DRAIN_BATCH) {
					flush();
					// Leaves drainScheduled set: other tasks of the loop get a turn first.
					this.loop.execute(this.drain);
					return;
				}
			}
			flush();
			this.drainScheduled.set(false);
		}
		while (!this.commands.isEmpty() && this.drainScheduled.compareAndSet(false, true));
	}

	private void run(Runnable command) {
		try {
			command.run();
		}
		catch (RuntimeException ex) {
			logger.error("Command on endpoint '" + this.endpoint.name() + "' failed", ex);
		}
	}

	/**
	 * Writes a message to the next connected backend that has room, without flushing.
	 * @return the backend it went to, {@link #WAITING} when it waits for a first
	 * connection, or {@code null} when no backend can take it
	 */
	private Object send(List<byte[]> envelope, List<byte[]> frames) {
		Peer peer = nextPeer();
		if (peer == null) {
			if (this.stopped || this.endpoint.options().immediate()
					|| this.waiting.size() >= this.endpoint.options().sendHighWaterMark()) {
				return null;
			}
			@SuppressWarnings("unchecked")
			List<byte[]>[] message = new List[] { envelope, frames };
			this.waiting.add(message);
			return WAITING;
		}
		write(peer, envelope, frames);
		return peer;
	}

	private Peer nextPeer() {
		int count = this.peers.size();
		for (int i = 0; i < count; i++) {
			Peer candidate = this.peers.get((this.nextPeer + i) % count);
			if (candidate.ready && candidate.hasRoom(this.endpoint.options().sendHighWaterMark())) {
				this.nextPeer = (this.nextPeer + i + 1) % count;
				return candidate;
			}
		}
		return null;
	}

	private void write(Peer peer, List<byte[]> envelope, List<byte[]> frames) {
		Channel channel = peer.channel;
		channel.write(ZmtpWire.message(channel.alloc(), envelope, frames), channel.voidPromise());
		if (peer.unflushed++ == 0) {
			this.unflushed.add(peer);
		}
	}

	private void flush() {
		for (Peer peer : this.unflushed) {
			peer.unflushed = 0;
			if (peer.channel != null) {
				peer.channel.flush();
			}
		}
		this.unflushed.clear();
	}

	private void scheduleTimer(long deadline) {
		if (deadline - this.timerDeadline >= 0 || this.stopped) {
			return;
		}
		if (this.timer != null) {
			this.timer.cancel(false);
		}
		this.timerDeadline = deadline;
		this.timer = this.loop.schedule(this::onTimer, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
	}

	private void onTimer() {
		this.timer = null;
		this.timerDeadline = Long.MAX_VALUE;
		this.pending.expire(System.nanoTime());
		long next = this.pending.nextDeadline();
		if (next != Long.MAX_VALUE) {
			scheduleTimer(next);
		}
	}

	private void connect(Peer peer) {
		peer.reconnect = null;
		if (this.stopped || this.loop.isShuttingDown()) {
			return;
		}
		byte[] literal = NetUtil.createByteArrayFromIpAddressString(peer.host);
		if (literal != null) {
			try {
				connect(peer, new InetSocketAddress(InetAddress.getByAddress(literal), peer.port));
			}
			catch (UnknownHostException ex) {
				reconnectLater(peer, ex);
			}
			return;
		}
		// Name lookups may block: never on the event loop.
		CompletableFuture.supplyAsync(() -> new InetSocketAddress(peer.host, peer.port))
			.whenComplete((address, failure) -> this.loop.execute(() -> {
				if (this.stopped) {
					return;
				}
				if (failure != null || address.isUnresolved()) {
					reconnectLater(peer, new UnknownHostException(peer.host));
				}
				else {
					connect(peer, address);
				}
			}));
	}

	private void connect(Peer peer, InetSocketAddress address) {
		long handshakeMillis = this.endpoint.options().handshakeTimeout().toMillis();
		ChannelFuture connecting = new Bootstrap().group(this.loop)
			.channel(this.channelType)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Math.max(handshakeMillis, 1), Integer.MAX_VALUE))
			.handler(new ChannelInitializer<Channel>() {

				@Override
				protected void initChannel(Channel channel) {
					channel.pipeline()
						.addLast(new ZmtpDecoder(ZmtpLane.this.endpoint.options().maxMessageSize()),
								new PeerHandler(peer));
				}

			})
			.connect(address);
		peer.channel = connecting.channel();
		connecting.addListener((done) -> {
			if (!done.isSuccess()) {
				peer.channel = null;
				reconnectLater(peer, done.cause());
			}
		});
	}

	private void reconnectLater(Peer peer, Throwable cause) {
		// No retries while the event loop shuts down: they would keep it from going quiet.
		if (this.stopped || peer.reconnect != null || this.loop.isShuttingDown()) {
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Endpoint '" + this.endpoint.name() + "' cannot reach " + peer.address + " ("
					+ ((cause != null) ? cause.getMessage() : "connection closed") + "); retrying in "
					+ TimeUnit.NANOSECONDS.toMillis(peer.reconnectDelayNanos) + " ms");
		}
		peer.reconnect = this.loop.schedule(() -> connect(peer), peer.reconnectDelayNanos, TimeUnit.NANOSECONDS);
		long interval = this.endpoint.options().reconnectInterval().toNanos();
		long max = this.endpoint.options().reconnectIntervalMax().toNanos();
		peer.reconnectDelayNanos = (max > interval) ? Math.min(peer.reconnectDelayNanos * 2, max) : interval;
	}

	private void onReady(Peer peer) {
		if (peer.handshakeTimer != null) {
			peer.handshakeTimer.cancel(false);
			peer.handshakeTimer = null;
		}
		peer.ready = true;
		peer.warned = false;
		peer.reconnectDelayNanos = initialReconnectDelay();
		this.connectedPeers++;
		List<byte[]>[] message;
		while ((message = this.waiting.poll()) != null) {
			write(peer, message[0], message[1]);
		}
		flush();
	}

	private void onClosed(Peer peer) {
		if (peer.handshakeTimer != null) {
			peer.handshakeTimer.cancel(false);
			peer.handshakeTimer = null;
		}
		peer.channel = null;
		peer.unflushed = 0;
		this.unflushed.remove(peer);
		if (peer.ready) {
			peer.ready = false;
			this.connectedPeers--;
			this.pending.failRoute(peer, ZmqSocketException.Reason.BACKEND_UNAVAILABLE,
					"Connection to the backend was lost");
		}
		reconnectLater(peer, null);
	}

	private void shutDown() {
		Runnable command;
		while ((command = this.commands.poll()) != null) {
			run(command);
		}
		if (this.timer != null) {
			this.timer.cancel(false);
		}
		this.pending.failAll(ZmqSocketException.Reason.CANCELLED, "Gateway is stopping");
		this.waiting.clear();
		for (Peer peer : this.peers) {
			if (peer.reconnect != null) {
				peer.reconnect.cancel(false);
			}
			if (peer.handshakeTimer != null) {
				peer.handshakeTimer.cancel(false);
			}
			if (peer.channel != null) {
				peer.channel.close();
			}
			if (peer.ready) {
				peer.ready = false;
				this.connectedPeers--;
			}
		}
	}

	/**
	 * Logs a backend's protocol problem at WARN the first time, and at DEBUG while it
	 * lasts (until a handshake succeeds), so that a misconfigured address does not flood
	 * the log with every retry.
	 */
	private static void warn(Peer peer, String message) {
		if (!peer.warned) {
			peer.warned = true;
			logger.warn(message + ((logger.isDebugEnabled()) ? "" : " (repeats are logged at DEBUG)"));
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

	private long initialReconnectDelay() {
		return Math.max(this.endpoint.options().reconnectInterval().toNanos(), TimeUnit.MILLISECONDS.toNanos(1));
	}

	/** One backend address and its connection; touched on the event loop only. */
	private final class Peer {

		final String address;

		final String host;

		final int port;

		Channel channel;

		boolean ready;

		int unflushed;

		long reconnectDelayNanos = initialReconnectDelay();

		ScheduledFuture<?> reconnect;

		ScheduledFuture<?> handshakeTimer;

		boolean warned;

		Peer(String address, String host, int port) {
			this.address = address;
			this.host = host;
			this.port = port;
		}

		boolean hasRoom(int highWaterMark) {
			ChannelOutboundBuffer buffer = this.channel.unsafe().outboundBuffer();
			int queued = ((buffer != null) ? buffer.size() : 0) + this.unflushed;
			return highWaterMark <= 0 || queued < highWaterMark;
		}

	}

	/** Handshake, heartbeats and replies of one connection. */
	private final class PeerHandler extends ChannelInboundHandlerAdapter {

		private final Peer peer;

		PeerHandler(Peer peer) {
			this.peer = peer;
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			ctx.write(ZmtpWire.greeting(ctx.alloc()), ctx.voidPromise());
			ctx.writeAndFlush(ZmtpWire.ready(ctx.alloc(), "DEALER"), ctx.voidPromise());
			Duration timeout = ZmtpLane.this.endpoint.options().handshakeTimeout();
			this.peer.handshakeTimer = ctx.executor().schedule(() -> {
				this.peer.handshakeTimer = null;
				if (!this.peer.ready) {
					warn(this.peer, "Endpoint '" + ZmtpLane.this.endpoint.name() + "': no ZMTP handshake from "
							+ this.peer.address + " within " + timeout.toMillis() + " ms; reconnecting");
					ctx.close();
				}
			}, timeout.toNanos(), TimeUnit.NANOSECONDS);
			ctx.fireChannelActive();
		}

		@Override
		@SuppressWarnings("unchecked")
		public void channelRead(ChannelHandlerContext ctx, Object message) {
			if (message instanceof ZmtpDecoder.Command command) {
				onCommand(ctx, command);
			}
			else if (this.peer.ready) {
				try {
					ZmtpLane.this.pending.onReply((List<byte[]>) message);
				}
				catch (RuntimeException ex) {
					logger.error("Handling a reply on endpoint '" + ZmtpLane.this.endpoint.name()
							+ "' failed", ex);
				}
			}
			else {
				protocolError(ctx, "a message before the handshake");
			}
		}

		private void onCommand(ChannelHandlerContext ctx, ZmtpDecoder.Command command) {
			switch (command.name()) {
				case "READY" -> {
					if (this.peer.ready) {
						protocolError(ctx, "a second READY");
						return;
					}
					String socketType = command.property("Socket-Type");
					if (!"REP".equals(socketType) && !"ROUTER".equals(socketType)) {
						protocolError(ctx, "socket type " + socketType + " (a REQ endpoint needs REP or ROUTER)");
						return;
					}
					onReady(this.peer);
				}
				case "PING" -> {
					byte[] data = command.data();
					byte[] context = (data.length > 2) ? Arrays.copyOfRange(data, 2, data.length)
							: new byte[0];
					ctx.writeAndFlush(ZmtpWire.pong(ctx.alloc(), context), ctx.voidPromise());
				}
				case "ERROR" -> protocolError(ctx, "ERROR " + new String(command.data(),
						StandardCharsets.US_ASCII));
				default -> {
					// Commands of later versions (PONG, SUBSCRIBE, ...) mean nothing to a DEALER.
				}
			}
		}

		private void protocolError(ChannelHandlerContext ctx, String what) {
			warn(this.peer, "Endpoint '" + ZmtpLane.this.endpoint.name() + "': closing the connection to "
					+ this.peer.address + ": " + what);
			ctx.close();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			onClosed(this.peer);
			ctx.fireChannelInactive();
		}

		@Override
		public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			Throwable reason = (cause instanceof DecoderException && cause.getCause() != null) ? cause.getCause()
					: cause;
			if (reason instanceof ZmtpDecoder.ZmtpException) {
				protocolError(ctx, reason.getMessage());
			}
			else {
				if (logger.isDebugEnabled()) {
					logger.debug("Endpoint '" + ZmtpLane.this.endpoint.name() + "': connection to "
							+ this.peer.address + " failed", reason);
				}
				ctx.close();
			}
		}

	}

}
