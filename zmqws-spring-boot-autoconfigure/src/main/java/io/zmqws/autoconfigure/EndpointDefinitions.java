package io.zmqws.autoconfigure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.zmqws.socket.EndpointDefinition;
import io.zmqws.socket.SocketOptions;
import io.zmqws.socket.ZmqAddresses;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Turns {@code zmqws.endpoints.*} into endpoint definitions, refusing configuration that
 * cannot work with an error that names the property.
 */
final class EndpointDefinitions {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

	private EndpointDefinitions() {
	}

	static List<EndpointDefinition> from(ZmqwsProperties properties) {
		List<EndpointDefinition> definitions = new ArrayList<>();
		Map<String, String> boundBy = new HashMap<>();
		properties.getEndpoints().forEach((name, endpoint) -> {
			String prefix = "zmqws.endpoints." + name;
			if (!NAME.matcher(name).matches()) {
				throw new InvalidConfigurationPropertyValueException(prefix, name,
						"Endpoint names are 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit");
			}
			if (endpoint.getType() == null) {
				throw new InvalidConfigurationPropertyValueException(prefix + ".type", null,
						"Every endpoint needs a type: REQ, SUB, PUSH or RPC");
			}
			if (endpoint.getType() == io.zmqws.socket.EndpointType.RPC && name.contains(".")) {
				throw new InvalidConfigurationPropertyValueException(prefix, name,
						"RPC endpoint names cannot contain '.', which separates the service from the method");
			}
			if (endpoint.getAddress().isEmpty()) {
				throw new InvalidConfigurationPropertyValueException(prefix + ".address", null,
						"Every endpoint needs at least one address, e.g. tcp://127.0.0.1:5555");
			}
			for (String address : endpoint.getAddress()) {
				String problem = ZmqAddresses.problem(address, endpoint.isBind());
				if (problem != null) {
					throw new InvalidConfigurationPropertyValueException(prefix + ".address", address,
							"Invalid address: " + problem);
				}
				// a wildcard port is a new ephemeral port on every bind, never a duplicate
				if (endpoint.isBind() && !address.endsWith(":*")) {
					String previous = boundBy.putIfAbsent(address, prefix + ".address");
					if (previous != null) {
						throw new InvalidConfigurationPropertyValueException(prefix + ".address", address,
								"The address is already bound by " + previous);
					}
				}
			}
			definitions.add(new EndpointDefinition(name, endpoint.getType(), endpoint.getAddress(), endpoint.isBind(),
					options(prefix, endpoint)));
		});
		return definitions;
	}

	private static SocketOptions options(String prefix, ZmqwsProperties.Endpoint endpoint) {
		positive(prefix + ".request-timeout", endpoint.getRequestTimeout().toMillis());
		positive(prefix + ".max-pending-requests", endpoint.getMaxPendingRequests());
		positive(prefix + ".max-message-size", endpoint.getMaxMessageSize().toBytes());
		positive(prefix + ".command-queue-capacity", endpoint.getCommandQueueCapacity());
		positive(prefix + ".handshake-timeout", endpoint.getHandshakeTimeout().toMillis());
		if (endpoint.getSendHighWaterMark() < 0 || endpoint.getReceiveHighWaterMark() < 0) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".send-high-water-mark",
					endpoint.getSendHighWaterMark(), "High-water marks must not be negative (0 means no limit)");
		}
		return new SocketOptions(endpoint.getRequestTimeout(), endpoint.getMaxPendingRequests(),
				endpoint.getSendHighWaterMark(), endpoint.getReceiveHighWaterMark(),
				endpoint.getMaxMessageSize().toBytes(), endpoint.getLinger(), endpoint.getReconnectInterval(),
				endpoint.getReconnectIntervalMax(), endpoint.isImmediate(), endpoint.getCommandQueueCapacity(),
				endpoint.getHandshakeTimeout());
	}

	private static void positive(String property, long value) {
		if (value <= 0) {
			throw new InvalidConfigurationPropertyValueException(property, value, "Must be greater than zero");
		}
	}

}
