package io.zmqws.bench.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The constant-rate schedule, checked with explicit clock values (no sleeping, no
 * timing): a late sender gets every missed operation at once, each with its own due time.
 */
class PacerTests {

	@Test
	void dueTimesFollowTheRate() {
		Pacer pacer = new Pacer(1_000, 1_000);
		assertThat(pacer.dueTime(0)).isEqualTo(1_000);
		assertThat(pacer.dueTime(1)).isEqualTo(1_001_000);
		assertThat(pacer.dueTime(1_000)).isEqualTo(1_000_001_000);
	}

	@Test
	void nothingIsDueBeforeItsTime() {
		Pacer pacer = new Pacer(0, 1_000);
		assertThat(pacer.takeDue(0)).isEqualTo(0);
		assertThat(pacer.takeDue(999_999)).isEqualTo(Long.MIN_VALUE);
		assertThat(pacer.nextIndex()).isEqualTo(1);
	}

	@Test
	void aLateSenderCatchesUpWithTheOriginalDueTimes() {
		Pacer pacer = new Pacer(0, 1_000);
		long now = 3_500_000;
		assertThat(pacer.takeDue(now)).isEqualTo(0);
		assertThat(pacer.takeDue(now)).isEqualTo(1_000_000);
		assertThat(pacer.takeDue(now)).isEqualTo(2_000_000);
		assertThat(pacer.takeDue(now)).isEqualTo(3_000_000);
		assertThat(pacer.takeDue(now)).isEqualTo(Long.MIN_VALUE);
	}

}
