package io.zmqws.socket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link RequestChannel} that speaks ZMTP 3.0 itself, as a DEALER with the NULL
 * mechanism, on Netty event loops: no ZeroMQ socket, no thread of its own.
 * <p>
 * Every event loop of the group gets a {@link ZmtpLane} with its own connection to each
 * of the endpoint's addresses. A request made on one of those loops (as a WebSocket
 * connection's requests are) goes out and comes back on that loop, without waking
 * another thread; a request from any other thread takes the lane that thread always
 * takes. Within a lane, requests go to the connected backends in turn, and lost
 * connections are made again after the endpoint's reconnect interval (doubling up to
 * its maximum). A reply can only come back on the connection its request went out on,
 * so losing a connection fails the requests sent on it at once.
 */
public final class ZmtpRequestChannel implements RequestChannel {

	private static final Pattern TCP = Pattern.compile("tcp://(\\[([0-9a-fA-F:.]+)\\]|([A-Za-z0-9._-]+)):([0-9]{1,5})");

	private final EndpointDefinition endpoint;

	private final ZmtpLane[] lanes;

	/**
	 * @param endpoint a connecting REQ or RPC endpoint with {@code tcp://} addresses (see
	 * {@link #supports})
	 * @param group the event loops to spread over, one lane each
	 * @param channelType the socket channel type for the group's transport
	 */
	public ZmtpRequestChannel(EndpointDefinition endpoint, EventLoopGroup group, Class<? extends Channel> channelType) {
		if (!supports(endpoint)) {
			throw new IllegalArgumentException("Endpoint '" + endpoint.name() + "' needs a JeroMQ socket");
		}
		this.endpoint = endpoint;
		List<Address> addresses = new ArrayList<>();
		for (String address : endpoint.addresses()) {
			Matcher tcp = TCP.matcher(address);
			tcp.matches();
			String host = (tcp.group(2) != null) ? tcp.group(2) : tcp.group(3);
			addresses.add(new Address(address, host, Integer.parseInt(tcp.group(4))));
		}
		List<ZmtpLane> lanes = new ArrayList<>();
		for (EventExecutor executor : group) {
			lanes.add(new ZmtpLane(endpoint, addresses, (EventLoop) executor, channelType));
		}
		this.lanes = lanes.toArray(new ZmtpLane[0]);
	}

	/** Whether this channel can carry the endpoint: REQ or RPC, connecting, TCP only. */
	public static boolean supports(EndpointDefinition endpoint) {
		return (endpoint.type() == EndpointType.REQ || endpoint.type() == EndpointType.RPC) && !endpoint.bind()
				&& !endpoint.addresses().isEmpty()
				&& endpoint.addresses().stream().allMatch((address) -> TCP.matcher(address).matches());
	}

	@Override
	public EndpointDefinition endpoint() {
		return this.endpoint;
	}

	/** The backends every lane is connected to (the fewest any lane has). */
	@Override
	public int connectedPeers() {
		int fewest = Integer.MAX_VALUE;
		for (ZmtpLane lane : this.lanes) {
			fewest = Math.min(fewest, lane.connectedPeers());
		}
		return fewest;
	}

	@Override
	public void start(Duration timeout) {
		for (ZmtpLane lane : this.lanes) {
			lane.start();
		}
	}

	@Override
	public boolean stop(Duration timeout) {
		boolean stopped = true;
		for (ZmtpLane lane : this.lanes) {
			stopped &= lane.stop(timeout);
		}
		return stopped;
	}

	@Override
	public Mono<List<byte[]>> request(List<byte[]> frames, Duration timeout) {
		return lane().request(frames, timeout);
	}

	@Override
	public Flux<List<byte[]>> requestStream(List<byte[]> frames, Duration idleTimeout,
			Predicate<List<byte[]>> isLast) {
		return lane().requestStream(frames, idleTimeout, isLast);
	}

	@Override
	public Mono<Void> post(List<byte[]> frames) {
		return lane().post(frames);
	}

	@Override
	public long droppedReplies() {
		long dropped = 0;
		for (ZmtpLane lane : this.lanes) {
			dropped += lane.droppedReplies();
		}
		return dropped;
	}

	private ZmtpLane lane() {
		for (ZmtpLane lane : this.lanes) {
			if (lane.inEventLoop()) {
				return lane;
			}
		}
		return this.lanes[(int) Math.floorMod(Thread.currentThread().getId(), (long) this.lanes.length)];
	}

	/** A backend's {@code tcp://} address, its host and port. */
	record Address(String text, String host, int port) {
	}

}
