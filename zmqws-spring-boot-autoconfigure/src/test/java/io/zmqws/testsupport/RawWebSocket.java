package io.zmqws.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on a plain socket, for tests that need control over reading: it
 * reads nothing until asked, so the server sees a client that cannot keep up.
 */
public final class RawWebSocket implements Closeable {

	/** One frame from the server. */
	public record Frame(int opcode, byte[] payload) {

		public String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		/** The close code of a close frame. */
		public int closeCode() {
			return ((this.payload[0] & 0xFF) << 8) | (this.payload[1] & 0xFF);
		}

	}

	public static final int TEXT = 1;

	public static final int CLOSE = 8;

	public static final int PING = 9;

	public static final int PONG = 10;

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	private final Map<String, String> handshakeHeaders = new HashMap<>();

	private String welcome;

	private RawWebSocket(Socket socket) throws IOException {
		this.socket = socket;
		this.in = new DataInputStream(socket.getInputStream());
		this.out = socket.getOutputStream();
	}

	/** Connects with a small receive buffer and completes the handshake. */
	public static RawWebSocket connect(int port, String path, String protocol) {
		try {
			Socket socket = new Socket();
			socket.setReceiveBufferSize(4096);
			socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
			socket.setSoTimeout(30_000);
			RawWebSocket client = new RawWebSocket(socket);
			byte[] key = new byte[16];
			ThreadLocalRandom.current().nextBytes(key);
			String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
					+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
					+ Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Protocol: " + protocol + "\r\n\r\n";
			client.out.write(request.getBytes(StandardCharsets.US_ASCII));
			client.out.flush();
			String status = client.readLine();
			if (!status.contains(" 101 ")) {
				throw new IllegalStateException("Handshake refused: " + status);
			}
			String header;
			while (!(header = client.readLine()).isEmpty()) {
				int colon = header.indexOf(':');
				client.handshakeHeaders.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
						header.substring(colon + 1).trim());
			}
			// The protocol: send nothing before welcome.
			client.welcome = client.readFrame().text();
			return client;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The server's first message, read by {@link #connect}. */
	public String welcome() {
		return this.welcome;
	}

	/** The handshake response's headers, names in lower case. */
	public Map<String, String> handshakeHeaders() {
		return this.handshakeHeaders;
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = this.in.read()) != -1 && b != '\n') {
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.US_ASCII);
	}

	/** Sends a masked text frame. */
	public void sendText(String text) {
		write(textFrame(text));
	}

	/** Sends masked text frames in one write, so that the server reads them as one burst. */
	public void sendTexts(List<String> texts) {
		ByteArrayOutputStream frames = new ByteArrayOutputStream();
		for (String text : texts) {
			frames.writeBytes(textFrame(text));
		}
		write(frames.toByteArray());
	}

	private void write(byte[] bytes) {
		try {
			this.out.write(bytes);
			this.out.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static byte[] textFrame(String text) {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
		frame.write(0x80 | TEXT);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length < 65536) {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length);
		}
		else {
			frame.write(0x80 | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				frame.write((int) ((long) payload.length >>> shift));
			}
		}
		frame.writeBytes(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		return frame.toByteArray();
	}

	/** Sends a masked control or data frame with the given opcode. */
	public void sendFrame(int opcode, byte[] payload) {
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 6);
		frame.write(0x80 | opcode);
		frame.write(0x80 | payload.length);
		frame.writeBytes(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		try {
			this.out.write(frame.toByteArray());
			this.out.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Reads the next frame, blocking. */
	public Frame readFrame() {
		try {
			int first = this.in.readUnsignedByte();
			int second = this.in.readUnsignedByte();
			long length = second & 0x7F;
			if (length == 126) {
				length = this.in.readUnsignedShort();
			}
			else if (length == 127) {
				length = this.in.readLong();
			}
			byte[] payload = new byte[(int) length];
			this.in.readFully(payload);
			return new Frame(first & 0x0F, payload);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

}
