package io.zmqws.bench.server;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * The ZeroMQ service of scenario (a): one JeroMQ REP socket that echoes every request,
 * on one thread. The gateway's REQ endpoint and the direct DEALER client both talk to it.
 */
public final class RepEchoServer {

	private RepEchoServer() {
	}

	public static void run(int port) {
		ZMQ.Context context = ZMQ.context(1);
		ZMQ.Socket socket = context.socket(SocketType.REP);
		socket.setLinger(0);
		socket.setRcvHWM(100_000);
		socket.setSndHWM(100_000);
		socket.bind("tcp://127.0.0.1:" + port);
		ServerStats.announceReady("rep-echo", port);
		while (!Thread.currentThread().isInterrupted()) {
			byte[] first = socket.recv(0);
			if (first == null) {
				continue;
			}
			if (!socket.hasReceiveMore()) {
				socket.send(first, 0);
				continue;
			}
			java.util.List<byte[]> frames = new java.util.ArrayList<>(4);
			frames.add(first);
			while (socket.hasReceiveMore()) {
				frames.add(socket.recv(0));
			}
			for (int i = 0; i < frames.size(); i++) {
				socket.send(frames.get(i), (i < frames.size() - 1) ? ZMQ.SNDMORE : 0);
			}
		}
	}

}
