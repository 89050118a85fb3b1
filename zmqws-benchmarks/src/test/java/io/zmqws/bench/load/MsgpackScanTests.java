package io.zmqws.bench.load;

import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.zmqws.protocol.ClientMessage;
import io.zmqws.protocol.MessagePackProtocolCodec;
import io.zmqws.protocol.ServerMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load generator reads ids and ops from the gateway's MessagePack messages, and the
 * requests it writes are what the gateway's codec decodes.
 */
class MsgpackScanTests {

	private final MessagePackProtocolCodec codec = new MessagePackProtocolCodec();

	@Test
	void readsTheIdOfARepliesInEveryIntegerSize() {
		for (long id : new long[] { 0, 1, 127, 128, 255, 256, 65_535, 65_536, 4_294_967_295L, 4_294_967_296L,
				Long.MAX_VALUE }) {
			ByteBuf reply = encode(new ServerMessage.Reply(1, id, java.util.List.of("x".getBytes())));
			assertThat(MsgpackScan.id(reply)).as("id %d", id).isEqualTo(id);
			assertThat(MsgpackScan.opIs(reply, "reply")).isTrue();
			assertThat(MsgpackScan.opIs(reply, "error")).isFalse();
		}
	}

	@Test
	void readsTheOpOfMessagesWithoutId() {
		ByteBuf opened = encode(new ServerMessage.Opened(1, "echo", "REQ"));
		assertThat(MsgpackScan.id(opened)).isEqualTo(Scan.NONE);
		assertThat(MsgpackScan.opIs(opened, "opened")).isTrue();
		assertThat(MsgpackScan.opIs(opened, "openedX")).isFalse();
	}

	@Test
	void writesRequestsAndOpensTheCodecDecodes() {
		byte[][] around = MsgpackScan.requestAroundId(1, "payload".getBytes());
		byte[] request = new byte[around[0].length + 8 + around[1].length];
		System.arraycopy(around[0], 0, request, 0, around[0].length);
		ByteBuffer.wrap(request, around[0].length, 8).putLong(4242);
		System.arraycopy(around[1], 0, request, around[0].length + 8, around[1].length);
		assertThat(this.codec.decode(request)).isInstanceOfSatisfying(ClientMessage.Request.class, (decoded) -> {
			assertThat(decoded.sid()).isEqualTo(1);
			assertThat(decoded.id()).isEqualTo(4242);
			assertThat(decoded.frames()).hasSize(1);
			assertThat(new String(decoded.frames().get(0))).isEqualTo("payload");
		});
		assertThat(this.codec.decode(MsgpackScan.open(1, "echo"))).isEqualTo(new ClientMessage.Open(1, "echo"));
	}

	private ByteBuf encode(ServerMessage message) {
		return Unpooled.wrappedBuffer(this.codec.encode(message));
	}

}
