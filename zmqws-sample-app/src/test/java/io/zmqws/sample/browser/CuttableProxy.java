package io.zmqws.sample.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of the server whose connections the test can cut, as a flaky
 * network would: the browser talks to {@link #port()}, and {@link #cutAll()} closes
 * every connection open through it (new ones are relayed again).
 */
final class CuttableProxy implements AutoCloseable {

	private final ServerSocket listener;

	private final int target;

	private final List<Socket> open = new CopyOnWriteArrayList<>();

	CuttableProxy(int target) throws IOException {
		this.target = target;
		this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "proxy-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return this.listener.getLocalPort();
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			try {
				Socket client = this.listener.accept();
				Socket server = new Socket(InetAddress.getLoopbackAddress(), this.target);
				this.open.add(client);
				this.open.add(server);
				relay(client, server);
				relay(server, client);
			}
			catch (IOException ex) {
				// listener closed, or the server refused: the browser sees a failed connection
			}
		}
	}

	private void relay(Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				for (int n; (n = in.read(buffer)) != -1;) {
					out.write(buffer, 0, n);
					out.flush();
				}
			}
			catch (IOException ex) {
				// cut, or closed by either side
			}
			finally {
				close(from);
				close(to);
			}
		}, "proxy-relay");
		thread.setDaemon(true);
		thread.start();
	}

	/** Closes every connection open through the proxy. */
	void cutAll() {
		for (Socket socket : this.open) {
			close(socket);
		}
		this.open.clear();
	}

	private static void close(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	@Override
	public void close() throws IOException {
		this.listener.close();
		cutAll();
	}

}
