package io.zmqws.bench.report;

import java.util.concurrent.TimeUnit;

import io.zmqws.bench.load.MemoryLoad;
import io.zmqws.bench.load.Result;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The table: ratios to the baselines and the targets of issue #7, from given results. */
class ReportTests {

	@Test
	void ratiosAreTakenAgainstTheBaselineAtTheSameLevel() {
		Report report = new Report("### run");
		Result bare = result("reqrep", "bare", 64, 10_000);
		Result gateway = result("reqrep", "gateway", 64, 6_000);
		report.add(bare);
		report.add(gateway);
		report.add(result("reqrep", "bare", 16, 1_000));
		assertThat(report.ratio(gateway, "bare")).isEqualTo("0.60");
		assertThat(report.ratio(bare, "bare")).isEqualTo("1.00");
		assertThat(report.ratio(result("reqrep", "gateway", 256, 1), "bare")).isEqualTo("-");
	}

	@Test
	void targetsAreMarkedMetOrMissed() {
		Report report = new Report("### run");
		report.add(result("reqrep", "bare", 64, 10_000));
		report.add(result("reqrep", "gateway", 64, 6_000));
		report.add(result("rpc", "rpc", 64, 5_000));
		report.add(result("rpc", "rpc-nonblocking", 64, 9_000));
		report.add(result("fanout", "bare", 1000, 100_000));
		report.add(result("fanout", "gateway", 1000, 80_000));
		report.add(result("fanout", "stomp", 1000, 50_000));
		report.add(new MemoryLoad.Sample("gateway", 0, 50_000_000, 200_000_000));
		report.add(new MemoryLoad.Sample("gateway", 10_000, 50_000_000 + 10_000 * 8 * 1024L, 300_000_000));
		String markdown = report.toMarkdown();
		assertThat(markdown).contains("| request/reply ≥ 50% of bare echo at 64 in flight | 60% | met |")
			.contains("| @ZmqRpc ≥ 70% of bare echo (64 in flight), non-blocking method | 90% | met |")
			.contains("| @ZmqRpc ≥ 70% of bare echo (64 in flight), blocking method (zmqws-rpc scheduler) | 50% "
					+ "| **missed** |")
			.contains("| fan-out to 1,000 ≥ 70% of bare broadcast | 80% | met |")
			.contains("| fan-out to 1,000 ≥ 2× STOMP simple broker | 1.60× | **missed** |")
			.contains("| ≤ 10 KB heap per idle subscribed connection at 10,000 | 8.0 KB | met |");
	}

	@Test
	void memoryPerConnectionIsTheGrowthFromZero() {
		Report report = new Report("### run");
		report.add(new MemoryLoad.Sample("gateway", 0, 1_000, 10_000));
		report.add(new MemoryLoad.Sample("gateway", 1_000, 1_000 + 1_000 * 2048L, 10_000 + 1_000 * 4096L));
		assertThat(report.perConnection("gateway", 1_000)).hasValueSatisfying((per) -> {
			assertThat(per[0]).isEqualTo(2048.0);
			assertThat(per[1]).isEqualTo(4096.0);
		});
		assertThat(report.perConnection("bare", 1_000)).isEmpty();
	}

	@Test
	void numbersAreFormattedForPeople() {
		assertThat(Report.count(12345.6)).isEqualTo("12,346");
		assertThat(Report.ms(0.1234)).isEqualTo("0.12");
		assertThat(Report.ms(12.34)).isEqualTo("12.3");
		assertThat(Report.ms(Double.NaN)).isEqualTo("-");
		assertThat(Report.kb(10 * 1024)).isEqualTo("10.0 KB");
	}

	private static Result result(String scenario, String target, int level, long count) {
		Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
		latency.recordValue(1_000_000);
		return new Result(scenario, target, level, "max", 0, count, 1.0, latency, 0, 50, 50);
	}

}
