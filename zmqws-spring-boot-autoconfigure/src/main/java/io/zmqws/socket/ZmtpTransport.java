package io.zmqws.socket;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;

/**
 * Where {@link ZmtpRequestChannel}s live: a group of Netty event loops (usually the web
 * server's) and the socket channel type that matches their transport. Each channel has a
 * lane on every loop of the group.
 */
public final class ZmtpTransport {

	private final EventLoopGroup group;

	private final Class<? extends Channel> channelType;

	public ZmtpTransport(EventLoopGroup group, Class<? extends Channel> channelType) {
		this.group = group;
		this.channelType = channelType;
	}

	/**
	 * A ZMTP request channel for the endpoint, or {@code null} when it needs a JeroMQ socket
	 * (see {@link ZmtpRequestChannel#supports}).
	 */
	public RequestChannel requestChannel(EndpointDefinition endpoint) {
		if (!ZmtpRequestChannel.supports(endpoint)) {
			return null;
		}
		return new ZmtpRequestChannel(endpoint, this.group, this.channelType);
	}

}
