package io.zmqws.socket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Reads what a ZMTP 3.x peer sends: checks its greeting, then emits each command as a
 * {@link Command} and each message as its {@code List<byte[]>} of frames. A greeting
 * that is not ZMTP 3 with the NULL mechanism, or a message larger than the limit, fails
 * with a {@link ZmtpException} (and the connection is closed).
 */
final class ZmtpDecoder extends ByteToMessageDecoder {

	private final long maxMessageSize;

	private boolean greeted;

	private List<byte[]> frames = new ArrayList<>(4);

	private long messageSize;

	ZmtpDecoder(long maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (!this.greeted) {
			if (in.readableBytes() < ZmtpWire.GREETING_SIZE) {
				return;
			}
			String problem = ZmtpWire.greetingProblem(in, in.readerIndex());
			if (problem != null) {
				throw new ZmtpException(problem);
			}
			in.skipBytes(ZmtpWire.GREETING_SIZE);
			this.greeted = true;
		}
		while (in.readableBytes() >= 2) {
			int start = in.readerIndex();
			int flags = in.getUnsignedByte(start);
			long size;
			int header;
			if ((flags & ZmtpWire.FLAG_LONG) != 0) {
				if (in.readableBytes() < 9) {
					return;
				}
				size = in.getLong(start + 1);
				header = 9;
			}
			else {
				size = in.getUnsignedByte(start + 1);
				header = 2;
			}
			if (size < 0 || this.messageSize + size > this.maxMessageSize) {
				throw new ZmtpException("the peer sent a message larger than the endpoint's maximum message size");
			}
			if (in.readableBytes() < header + size) {
				return;
			}
			in.skipBytes(header);
			byte[] body = new byte[(int) size];
			in.readBytes(body);
			if ((flags & ZmtpWire.FLAG_COMMAND) != 0) {
				out.add(Command.parse(body));
				continue;
			}
			this.frames.add(body);
			this.messageSize += size;
			if ((flags & ZmtpWire.FLAG_MORE) == 0) {
				out.add(this.frames);
				this.frames = new ArrayList<>(4);
				this.messageSize = 0;
			}
		}
	}

	/** A ZMTP command: its name and the bytes after it. */
	record Command(String name, byte[] data) {

		static Command parse(byte[] body) {
			if (body.length < 1 || body.length < 1 + (body[0] & 0xFF)) {
				throw new ZmtpException("the peer sent a malformed command");
			}
			int nameLength = body[0] & 0xFF;
			return new Command(new String(body, 1, nameLength, StandardCharsets.US_ASCII),
					Arrays.copyOfRange(body, 1 + nameLength, body.length));
		}

		/**
		 * The value of a property of a READY command's metadata, or {@code null}.
		 */
		String property(String wanted) {
			int at = 0;
			while (at < this.data.length) {
				int nameLength = this.data[at] & 0xFF;
				if (at + 1 + nameLength + 4 > this.data.length) {
					throw new ZmtpException("the peer sent malformed metadata");
				}
				String name = new String(this.data, at + 1, nameLength, StandardCharsets.US_ASCII);
				at += 1 + nameLength;
				int valueLength = ((this.data[at] & 0xFF) << 24) | ((this.data[at + 1] & 0xFF) << 16)
						| ((this.data[at + 2] & 0xFF) << 8) | (this.data[at + 3] & 0xFF);
				at += 4;
				if (valueLength < 0 || at + valueLength > this.data.length) {
					throw new ZmtpException("the peer sent malformed metadata");
				}
				if (name.equalsIgnoreCase(wanted)) {
					return new String(this.data, at, valueLength, StandardCharsets.US_ASCII);
				}
				at += valueLength;
			}
			return null;
		}

	}

	/** The peer broke the protocol; the connection is closed. */
	static final class ZmtpException extends RuntimeException {

		ZmtpException(String message) {
			super(message, null, false, false);
		}

	}

}
