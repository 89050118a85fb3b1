package io.zmqws.bench.load;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The load generator reads ids, ops and sequence numbers from the replies it gets. */
class ScanTests {

	@Test
	void readsTheIdOfAGatewayReply() {
		assertThat(Scan.id(buf("{\"op\":\"reply\",\"sid\":1,\"id\":12345,\"frames\":[\"xx\"]}"))).isEqualTo(12345);
	}

	@Test
	void readsTheIdOfAnEchoedRequestAndOfAnRpcResult() {
		assertThat(Scan.id(buf("{\"op\":\"request\",\"sid\":1,\"id\":7,\"frames\":[\"x\"]}"))).isEqualTo(7);
		assertThat(Scan.id(buf("{\"op\":\"result\",\"id\":-3,\"value\":\"x\"}"))).isEqualTo(-3);
	}

	@Test
	void reportsMessagesWithoutId() {
		assertThat(Scan.id(buf("{\"op\":\"opened\",\"sid\":1,\"endpoint\":\"echo\",\"type\":\"REQ\"}")))
			.isEqualTo(Scan.NONE);
		assertThat(Scan.id(buf("{\"op\":\"x\",\"id\":\"abc\"}"))).isEqualTo(Scan.NONE);
	}

	@Test
	void readsTheOp() {
		ByteBuf error = buf("{\"op\":\"error\",\"code\":\"timeout\",\"message\":\"m\",\"id\":4}");
		assertThat(Scan.opIs(error, "error")).isTrue();
		assertThat(Scan.opIs(error, "reply")).isFalse();
		assertThat(Scan.opIs(buf("{\"op\":\"subscribed\",\"sid\":1,\"topic\":\"bench\"}"), "subscribed")).isTrue();
		assertThat(Scan.opIs(buf("MESSAGE\n\n@@1;\0"), "subscribed")).isFalse();
	}

	@Test
	void bodiesCarryTheirSequenceThroughEveryTargetsFraming() {
		String body = Scan.body(42, 100);
		assertThat(body).hasSize(100).startsWith("@@42;");
		assertThat(Scan.sequence(buf(body))).isEqualTo(42);
		assertThat(Scan.sequence(buf("{\"op\":\"message\",\"sid\":1,\"frames\":[\"bench\",\"" + body + "\"]}")))
			.isEqualTo(42);
		assertThat(Scan.sequence(buf("MESSAGE\ndestination:/topic/bench\nsubscription:sub-0\n\n" + body + "\0")))
			.isEqualTo(42);
	}

	@Test
	void probesAreRecognised() {
		assertThat(Scan.sequence(buf(Scan.body(Scan.PROBE, 100)))).isEqualTo(Scan.PROBE);
		assertThat(Scan.sequence(buf("{\"op\":\"subscribed\",\"sid\":1,\"topic\":\"bench\"}"))).isEqualTo(Scan.NONE);
	}

	@Test
	void scansFromTheReaderIndex() {
		ByteBuf buf = buf("\"id\":1 \"id\":2");
		buf.readerIndex(7);
		assertThat(Scan.id(buf)).isEqualTo(2);
	}

	private static ByteBuf buf(String text) {
		return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
	}

}
