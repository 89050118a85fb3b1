package io.zmqws.bench.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.zmqws.protocol.ClientMessage;
import io.zmqws.protocol.JsonProtocolCodec;
import io.zmqws.protocol.MessagePackProtocolCodec;
import io.zmqws.protocol.ProtocolCodec;
import io.zmqws.protocol.ServerMessage;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import tools.jackson.databind.node.StringNode;

/**
 * The protocol codec on the hot path, with the 100-byte payloads of the load scenarios:
 * decoding a {@code request} and a {@code call}, encoding a {@code reply}, a published
 * {@code message} and a {@code result}, in each encoding.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

	@Param({ "json", "msgpack" })
	public String encoding;

	private ProtocolCodec codec;

	private byte[] request;

	private byte[] call;

	private ServerMessage.Reply reply;

	private ServerMessage.Message message;

	private ServerMessage.Result result;

	@Setup
	public void setUp() throws IOException {
		String payload = "x".repeat(100);
		byte[] frame = payload.getBytes(StandardCharsets.UTF_8);
		if (this.encoding.equals("msgpack")) {
			this.codec = new MessagePackProtocolCodec();
			this.request = msgpackRequest(frame);
			this.call = msgpackCall(payload);
		}
		else {
			this.codec = new JsonProtocolCodec();
			this.request = ("{\"op\":\"request\",\"sid\":1,\"id\":123456,\"frames\":[\"" + payload + "\"]}")
				.getBytes(StandardCharsets.UTF_8);
			this.call = ("{\"op\":\"call\",\"id\":123456,\"method\":\"bench.echo\",\"args\":[\"" + payload
					+ "\"]}")
				.getBytes(StandardCharsets.UTF_8);
		}
		this.reply = new ServerMessage.Reply(1, 123456, List.of(frame));
		this.message = new ServerMessage.Message(1, List.of("bench".getBytes(StandardCharsets.UTF_8), frame), 0);
		this.result = new ServerMessage.Result(123456, StringNode.valueOf(payload));
	}

	private static byte[] msgpackRequest(byte[] frame) throws IOException {
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			packer.packMapHeader(4).packString("op").packString("request").packString("sid").packLong(1);
			packer.packString("id").packLong(123456).packString("frames").packArrayHeader(1);
			packer.packBinaryHeader(frame.length).writePayload(frame);
			return packer.toByteArray();
		}
	}

	private static byte[] msgpackCall(String payload) throws IOException {
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			packer.packMapHeader(4).packString("op").packString("call").packString("id").packLong(123456);
			packer.packString("method").packString("bench.echo").packString("args").packArrayHeader(1);
			packer.packString(payload);
			return packer.toByteArray();
		}
	}

	@Benchmark
	public ClientMessage decodeRequest() {
		return this.codec.decode(this.request);
	}

	@Benchmark
	public ClientMessage decodeCall() {
		return this.codec.decode(this.call);
	}

	@Benchmark
	public byte[] encodeReply() {
		return this.codec.encode(this.reply);
	}

	@Benchmark
	public byte[] encodeMessage() {
		return this.codec.encode(this.message);
	}

	@Benchmark
	public byte[] encodeResult() {
		return this.codec.encode(this.result);
	}

}
