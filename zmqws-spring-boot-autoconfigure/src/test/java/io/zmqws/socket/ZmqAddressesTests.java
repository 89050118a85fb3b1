package io.zmqws.socket;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ZmqAddresses}: which addresses may be bound, which may be connected
 * to, and which are refused with a reason before they reach ZeroMQ.
 */
class ZmqAddressesTests {

	@ParameterizedTest
	@ValueSource(strings = { "tcp://127.0.0.1:5555", "tcp://localhost:1", "tcp://backend-1.example.com:65535",
			"tcp://my_host:8080", "tcp://eth0:5555", "tcp://[::1]:5555", "tcp://[fe80::1]:80",
			"tcp://[::ffff:127.0.0.1]:5555", "tcp://[2001:DB8::AB]:443", "ipc:///tmp/feed.sock", "ipc://@abstract" })
	void acceptedForBindAndConnect(String address) {
		assertThat(ZmqAddresses.problem(address, true)).isNull();
		assertThat(ZmqAddresses.problem(address, false)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "tcp://*:5555", "tcp://127.0.0.1:*", "tcp://*:*", "tcp://eth0:*" })
	void wildcardAcceptedOnlyWhenBinding(String address) {
		assertThat(ZmqAddresses.problem(address, true)).isNull();
		assertThat(ZmqAddresses.problem(address, false)).contains("wildcard");
	}

	@ParameterizedTest
	@ValueSource(strings = { "tcp://127.0.0.1:0", "tcp://127.0.0.1:65536", "tcp://127.0.0.1:99999",
			"tcp://[::1]:0" })
	void portOutOfRange(String address) {
		assertThat(ZmqAddresses.problem(address, true)).isEqualTo("the port must be between 1 and 65535");
		assertThat(ZmqAddresses.problem(address, false)).isEqualTo("the port must be between 1 and 65535");
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = { " ", "\t" })
	void empty(String address) {
		assertThat(ZmqAddresses.problem(address, true)).isEqualTo("it must not be empty");
		assertThat(ZmqAddresses.problem(address, false)).isEqualTo("it must not be empty");
	}

	@ParameterizedTest
	@ValueSource(strings = { "garbage", "127.0.0.1:5555", "tcp://127.0.0.1", "tcp://127.0.0.1:", "tcp://:5555",
			"tcp://127.0.0.1:port", "tcp://127.0.0.1:123456", "tcp://127.0.0.1:-1", "tcp://127.0.0.1:5555/path",
			"tcp://127.0.0.1:5555 ", " tcp://127.0.0.1:5555", "TCP://127.0.0.1:5555", "udp://127.0.0.1:5555",
			"pgm://eth0;239.192.1.1:5555", "tcp://::1:5555", "tcp://[::1:5555", "tcp://[]:5555",
			"tcp://[zz::1]:5555", "tcp://host name:5555", "tcp://user@host:5555", "ipc://", "inproc://",
			"inproc://internal", "inproc://with space", "ipc:///tmp/a\tb", "tcp//127.0.0.1:5555" })
	void garbageRefused(String address) {
		assertThat(ZmqAddresses.problem(address, true))
			.isEqualTo("it must look like tcp://host:port or ipc://path");
		assertThat(ZmqAddresses.problem(address, false))
			.isEqualTo("it must look like tcp://host:port or ipc://path");
	}

	@ParameterizedTest
	@ValueSource(strings = { "tcp://*.example.com:5555", "tcp://a*b:5555", "tcp://**:5555", "tcp://127.0.0.*:5555" })
	void wildcardInsideAHostNameRefused(String address) {
		assertThat(ZmqAddresses.problem(address, true)).isNotNull();
		assertThat(ZmqAddresses.problem(address, false)).isNotNull();
	}

}
