package io.zmqws.socket;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks ZeroMQ addresses before they reach ZeroMQ, which fails on malformed ones in ways
 * that are hard to report.
 */
public final class ZmqAddresses {

	private static final Pattern TCP = Pattern.compile("tcp://(\\[[0-9a-fA-F:.]+\\]|\\*|[A-Za-z0-9._-]+):(\\*|[0-9]{1,5})");

	private static final Pattern NAMED = Pattern.compile("ipc://[^\\s]+");

	private ZmqAddresses() {
	}

	/**
	 * Returns why the address cannot be used, or {@code null} when it can.
	 * @param address the address
	 * @param bind whether it is to be bound rather than connected
	 */
	public static String problem(String address, boolean bind) {
		if (address == null || address.isBlank()) {
			return "it must not be empty";
		}
		if (NAMED.matcher(address).matches()) {
			return null;
		}
		Matcher tcp = TCP.matcher(address);
		if (!tcp.matches()) {
			return "it must look like tcp://host:port or ipc://path";
		}
		String host = tcp.group(1);
		String port = tcp.group(2);
		if (!bind && (host.equals("*") || port.equals("*"))) {
			return "a wildcard host or port can only be bound, not connected to";
		}
		if (!port.equals("*")) {
			int number = Integer.parseInt(port);
			if (number < 1 || number > 65535) {
				return "the port must be between 1 and 65535";
			}
		}
		return null;
	}

}
