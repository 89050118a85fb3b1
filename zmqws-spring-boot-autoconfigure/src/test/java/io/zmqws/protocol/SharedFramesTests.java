package io.zmqws.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SharedFrames}: a read-only view of the frames whose memo keeps one
 * value per key, the same for every thread that asks.
 */
class SharedFramesTests {

	private final byte[] topic = "news".getBytes(StandardCharsets.US_ASCII);

	private final byte[] body = "hello".getBytes(StandardCharsets.US_ASCII);

	@Test
	void readsAsTheFramesItSharesAndRefusesChanges() {
		SharedFrames shared = new SharedFrames(new ArrayList<>(List.of(this.topic, this.body)));
		assertThat(shared).containsExactly(this.topic, this.body);
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> shared.add(this.body));
		assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> shared.remove(0));
	}

	@Test
	void memoComputesOncePerKey() {
		SharedFrames shared = new SharedFrames(List.of(this.topic, this.body));
		Object json = new Object();
		Object binary = new Object();
		AtomicInteger computed = new AtomicInteger();
		for (int i = 0; i < 10; i++) {
			String first = shared.memo(json, (frames) -> "json-" + computed.incrementAndGet());
			String second = shared.memo(binary, (frames) -> "binary-" + computed.incrementAndGet());
			assertThat(first).isEqualTo("json-1");
			assertThat(second).isEqualTo("binary-2");
		}
		assertThat(computed).hasValue(2);
	}

	@Test
	void memoHandsTheFramesToTheComputation() {
		SharedFrames shared = new SharedFrames(List.of(this.topic, this.body));
		Integer size = shared.memo(this, List::size);
		assertThat(size).isEqualTo(2);
	}

	@Test
	void threadsAskingAtOnceAllGetTheSameValue() throws Exception {
		for (int round = 0; round < 200; round++) {
			SharedFrames shared = new SharedFrames(List.of(this.topic, this.body));
			Object key = new Object();
			Set<Object> seen = ConcurrentHashMap.newKeySet();
			CountDownLatch start = new CountDownLatch(1);
			CountDownLatch done = new CountDownLatch(4);
			for (int t = 0; t < 4; t++) {
				new Thread(() -> {
					try {
						start.await();
						seen.add(shared.memo(key, (frames) -> new Object()));
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					finally {
						done.countDown();
					}
				}).start();
			}
			start.countDown();
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(seen).hasSize(1);
		}
	}

}
