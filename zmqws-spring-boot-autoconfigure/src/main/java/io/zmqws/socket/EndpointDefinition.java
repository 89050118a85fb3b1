package io.zmqws.socket;

import java.util.List;

/**
 * A named endpoint: what clients call it, what it is, and where ZeroMQ finds it.
 *
 * @param name the name clients use
 * @param type the kind of service behind it
 * @param addresses one or more ZeroMQ addresses, e.g. {@code tcp://127.0.0.1:5555}
 * @param bind whether the gateway binds the addresses (otherwise it connects to them)
 * @param options socket and gateway settings
 */
public record EndpointDefinition(String name, EndpointType type, List<String> addresses, boolean bind,
		SocketOptions options) {

	public EndpointDefinition {
		addresses = List.copyOf(addresses);
	}

}
