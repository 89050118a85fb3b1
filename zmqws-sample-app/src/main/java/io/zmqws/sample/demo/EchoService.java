package io.zmqws.sample.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A REP service that answers every request with a frame {@code "echo"} followed by the
 * request's frames, byte for byte.
 */
final class EchoService extends DemoBackend {

	static final byte[] PREFIX = "echo".getBytes(StandardCharsets.UTF_8);

	EchoService(ZMQ.Context context, int port) {
		super("demo-echo", context, SocketType.REP, port);
	}

	@Override
	protected void serve(ZMQ.Socket socket) {
		while (isRunning()) {
			List<byte[]> request = receive(socket);
			if (request != null) {
				List<byte[]> reply = new ArrayList<>(request.size() + 1);
				reply.add(PREFIX);
				reply.addAll(request);
				send(socket, reply);
			}
		}
	}

}
