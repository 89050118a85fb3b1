package io.zmqws.socket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

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

/**
 * One backend address of a {@link ZmtpLane} and the connection to it: connects (looking
 * host names up off the event loop), performs the ZMTP handshake as a DEALER, answers
 * heartbeats, hands replies to the lane, and connects again after the endpoint's
 * reconnect interval, doubling up to its maximum. Touched on the lane's event loop only.
 */
final class ZmtpConnection {

	private static final Log logger = LogFactory.getLog(ZmtpRequestChannel.class);

	private final EndpointDefinition endpoint;

	private final ZmtpRequestChannel.Address address;

	private final EventLoop loop;

	private final Class<? extends Channel> channelType;

	private final Events events;

	private Channel channel;

	private boolean ready;

	/** Messages written since the last flush. */
	private int unflushed;

	private long reconnectDelayNanos;

	private ScheduledFuture<?> reconnect;

	private ScheduledFuture<?> handshakeTimer;

	private boolean warned;

	ZmtpConnection(EndpointDefinition endpoint, ZmtpRequestChannel.Address address, EventLoop loop,
			Class<? extends Channel> channelType, Events events) {
		this.endpoint = endpoint;
		this.address = address;
		this.loop = loop;
		this.channelType = channelType;
		this.events = events;
		this.reconnectDelayNanos = initialReconnectDelay();
	}

	/** Whether the handshake is done, so that requests may go out. */
	boolean isReady() {
		return this.ready;
	}

	/** Whether the connection holds fewer than {@code highWaterMark} unwritten messages. */
	boolean hasRoom(int highWaterMark) {
		ChannelOutboundBuffer buffer = this.channel.unsafe().outboundBuffer();
		int queued = ((buffer != null) ? buffer.size() : 0) + this.unflushed;
		return highWaterMark <= 0 || queued < highWaterMark;
	}

	/**
	 * Writes a message without flushing.
	 * @return whether it is the first since the last flush
	 */
	boolean write(List<byte[]> envelope, List<byte[]> frames) {
		this.channel.write(ZmtpWire.message(this.channel.alloc(), envelope, frames), this.channel.voidPromise());
		return this.unflushed++ == 0;
	}

	void flush() {
		this.unflushed = 0;
		if (this.channel != null) {
			this.channel.flush();
		}
	}

	void connect() {
		this.reconnect = null;
		if (this.events.stopped() || this.loop.isShuttingDown()) {
			return;
		}
		byte[] literal = NetUtil.createByteArrayFromIpAddressString(this.address.host());
		if (literal != null) {
			try {
				connect(new InetSocketAddress(InetAddress.getByAddress(literal), this.address.port()));
			}
			catch (UnknownHostException ex) {
				reconnectLater(ex);
			}
			return;
		}
		// Name lookups may block: never on the event loop.
		CompletableFuture.supplyAsync(() -> new InetSocketAddress(this.address.host(), this.address.port()))
			.whenComplete((resolved, failure) -> this.loop.execute(() -> {
				if (this.events.stopped()) {
					return;
				}
				if (failure != null || resolved.isUnresolved()) {
					reconnectLater(new UnknownHostException(this.address.host()));
				}
				else {
					connect(resolved);
				}
			}));
	}

	private void connect(InetSocketAddress resolved) {
		long handshakeMillis = this.endpoint.options().handshakeTimeout().toMillis();
		ChannelFuture connecting = new Bootstrap().group(this.loop)
			.channel(this.channelType)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Math.max(handshakeMillis, 1), Integer.MAX_VALUE))
			.handler(new ChannelInitializer<Channel>() {

				@Override
				protected void initChannel(Channel channel) {
					channel.pipeline()
						.addLast(new ZmtpDecoder(ZmtpConnection.this.endpoint.options().maxMessageSize()),
								new Handler());
				}

			})
			.connect(resolved);
		this.channel = connecting.channel();
		connecting.addListener((done) -> {
			if (!done.isSuccess()) {
				this.channel = null;
				reconnectLater(done.cause());
			}
		});
	}

	private void reconnectLater(Throwable cause) {
		// No retries while the event loop shuts down: they would keep it from going quiet.
		if (this.events.stopped() || this.reconnect != null || this.loop.isShuttingDown()) {
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Endpoint '" + this.endpoint.name() + "' cannot reach " + this.address.text() + " ("
					+ ((cause != null) ? cause.getMessage() : "connection closed") + "); retrying in "
					+ TimeUnit.NANOSECONDS.toMillis(this.reconnectDelayNanos) + " ms");
		}
		this.reconnect = this.loop.schedule((Runnable) this::connect, this.reconnectDelayNanos, TimeUnit.NANOSECONDS);
		long interval = this.endpoint.options().reconnectInterval().toNanos();
		long max = this.endpoint.options().reconnectIntervalMax().toNanos();
		this.reconnectDelayNanos = (max > interval) ? Math.min(this.reconnectDelayNanos * 2, max) : interval;
	}

	private void onReady() {
		cancelHandshakeTimer();
		this.ready = true;
		this.warned = false;
		this.reconnectDelayNanos = initialReconnectDelay();
		this.events.ready(this);
	}

	private void onClosed() {
		cancelHandshakeTimer();
		this.channel = null;
		this.unflushed = 0;
		boolean wasReady = this.ready;
		this.ready = false;
		this.events.lost(this, wasReady);
		reconnectLater(null);
	}

	/** Stops retrying and closes the connection, without telling the lane. */
	void close() {
		if (this.reconnect != null) {
			this.reconnect.cancel(false);
		}
		cancelHandshakeTimer();
		this.ready = false;
		if (this.channel != null) {
			this.channel.close();
		}
	}

	private void cancelHandshakeTimer() {
		if (this.handshakeTimer != null) {
			this.handshakeTimer.cancel(false);
			this.handshakeTimer = null;
		}
	}

	/**
	 * Logs a backend's protocol problem at WARN the first time, and at DEBUG while it
	 * lasts (until a handshake succeeds), so that a misconfigured address does not flood
	 * the log with every retry.
	 */
	private void warn(String message) {
		if (!this.warned) {
			this.warned = true;
			logger.warn(message + ((logger.isDebugEnabled()) ? "" : " (repeats are logged at DEBUG)"));
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

	private long initialReconnectDelay() {
		return Math.max(this.endpoint.options().reconnectInterval().toNanos(), TimeUnit.MILLISECONDS.toNanos(1));
	}

	/** What a connection tells its lane; called on the event loop. */
	interface Events {

		/** Whether the lane has stopped (no more connecting). */
		boolean stopped();

		/** The handshake is done: requests may go out on {@code connection}. */
		void ready(ZmtpConnection connection);

		/** The connection closed; {@code wasReady} if requests may have gone out on it. */
		void lost(ZmtpConnection connection, boolean wasReady);

		/** A message from the backend. */
		void reply(List<byte[]> frames);

	}

	/** Handshake, heartbeats and replies. */
	private final class Handler extends ChannelInboundHandlerAdapter {

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			ctx.write(ZmtpWire.greeting(ctx.alloc()), ctx.voidPromise());
			ctx.writeAndFlush(ZmtpWire.ready(ctx.alloc(), "DEALER"), ctx.voidPromise());
			Duration timeout = ZmtpConnection.this.endpoint.options().handshakeTimeout();
			ZmtpConnection.this.handshakeTimer = ctx.executor().schedule(() -> {
				ZmtpConnection.this.handshakeTimer = null;
				if (!ZmtpConnection.this.ready) {
					warn("Endpoint '" + ZmtpConnection.this.endpoint.name() + "': no ZMTP handshake from "
							+ ZmtpConnection.this.address.text() + " within " + timeout.toMillis()
							+ " ms; reconnecting");
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
			else if (ZmtpConnection.this.ready) {
				ZmtpConnection.this.events.reply((List<byte[]>) message);
			}
			else {
				protocolError(ctx, "a message before the handshake");
			}
		}

		private void onCommand(ChannelHandlerContext ctx, ZmtpDecoder.Command command) {
			switch (command.name()) {
				case "READY" -> {
					if (ZmtpConnection.this.ready) {
						protocolError(ctx, "a second READY");
						return;
					}
					String socketType = command.property("Socket-Type");
					if (!"REP".equals(socketType) && !"ROUTER".equals(socketType)) {
						protocolError(ctx, "socket type " + socketType + " (a REQ endpoint needs REP or ROUTER)");
						return;
					}
					onReady();
				}
				case "PING" -> {
					byte[] data = command.data();
					byte[] context = (data.length > 2) ? Arrays.copyOfRange(data, 2, data.length) : new byte[0];
					ctx.writeAndFlush(ZmtpWire.pong(ctx.alloc(), context), ctx.voidPromise());
				}
				case "ERROR" -> protocolError(ctx, "ERROR " + new String(command.data(), StandardCharsets.US_ASCII));
				default -> {
					// Commands of later versions (PONG, SUBSCRIBE, ...) mean nothing to a DEALER.
				}
			}
		}

		private void protocolError(ChannelHandlerContext ctx, String what) {
			warn("Endpoint '" + ZmtpConnection.this.endpoint.name() + "': closing the connection to "
					+ ZmtpConnection.this.address.text() + ": " + what);
			ctx.close();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			onClosed();
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
					logger.debug("Endpoint '" + ZmtpConnection.this.endpoint.name() + "': connection to "
							+ ZmtpConnection.this.address.text() + " failed", reason);
				}
				ctx.close();
			}
		}

	}

}
