package io.zmqws.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.zmqws.bench.load.MemoryLoad;
import io.zmqws.bench.load.Result;

/**
 * Collects the results of one run and prints them as the Markdown that goes into
 * {@code docs/benchmarks.md}: absolute figures, ratios to the baselines, and the targets
 * of issue #7, met or missed.
 */
public final class Report {

	/** One JMH score. */
	public record JmhRow(String benchmark, String params, double score, double error, String unit) {
	}

	private final String header;

	private final List<Result> results = new ArrayList<>();

	private final List<MemoryLoad.Sample> memory = new ArrayList<>();

	private final List<JmhRow> jmh = new ArrayList<>();

	private final List<String> notes = new ArrayList<>();

	public Report(String header) {
		this.header = header;
	}

	public void add(Result result) {
		this.results.add(result);
	}

	public void add(MemoryLoad.Sample sample) {
		this.memory.add(sample);
	}

	public void add(JmhRow row) {
		this.jmh.add(row);
	}

	public void note(String note) {
		this.notes.add(note);
	}

	public List<Result> results() {
		return this.results;
	}

	/** The first result matching scenario, target, level and mode. */
	public Optional<Result> find(String scenario, String target, int level, String mode) {
		return this.results.stream()
			.filter((r) -> r.scenario().equals(scenario) && r.target().equals(target) && r.level() == level
					&& r.mode().equals(mode))
			.findFirst();
	}

	/** Any result (any scenario) of a target at a level and mode. */
	public Optional<Result> find(String target, int level, String mode) {
		return this.results.stream()
			.filter((r) -> r.target().equals(target) && r.level() == level && r.mode().equals(mode))
			.findFirst();
	}

	/** Memory per connection between the sample at 0 and the one at {@code connections}. */
	public Optional<double[]> perConnection(String target, int connections) {
		Optional<MemoryLoad.Sample> base = this.memory.stream()
			.filter((m) -> m.target().equals(target) && m.connections() == 0)
			.findFirst();
		Optional<MemoryLoad.Sample> at = this.memory.stream()
			.filter((m) -> m.target().equals(target) && m.connections() == connections)
			.findFirst();
		if (base.isEmpty() || at.isEmpty() || connections == 0) {
			return Optional.empty();
		}
		return Optional.of(new double[] { (at.get().heapBytes() - base.get().heapBytes()) / (double) connections,
				(at.get().rssBytes() - base.get().rssBytes()) / (double) connections });
	}

	public String toMarkdown() {
		StringBuilder out = new StringBuilder();
		out.append(this.header).append('\n');
		requestReply(out);
		constantRate(out);
		rpc(out);
		transports(out);
		fanout(out);
		memory(out);
		jmh(out);
		targets(out);
		if (!this.notes.isEmpty()) {
			out.append("\nNotes:\n\n");
			this.notes.forEach((note) -> out.append("- ").append(note).append('\n'));
		}
		return out.toString();
	}

	private void requestReply(StringBuilder out) {
		List<Result> rows = closedLoop("reqrep");
		if (rows.isEmpty()) {
			return;
		}
		out.append("\n**(a) Request/reply**, 100-byte payload, closed loop (`bare` = Reactor Netty echo, the "
				+ "ceiling; `zmq` = JeroMQ DEALER straight to the REP, the floor)\n\n");
		out.append("| in flight | target | req/s | vs bare | p50 ms | p99 ms | p99.9 ms | server CPU | server µs/req "
				+ "| client CPU | errors |\n");
		out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (Result r : rows) {
			out.append(row(r.level(), r.target(), r.throughput(), ratio(r, "bare"), r, r.errors()));
		}
	}

	private void constantRate(StringBuilder out) {
		List<Result> rows = this.results.stream()
			.filter((r) -> (r.scenario().equals("reqrep") || r.scenario().equals("rpc")) && r.mode().equals("rate"))
			.toList();
		if (rows.isEmpty()) {
			return;
		}
		out.append("\n**Constant rate** (open loop, latency from each request's due time, so no coordinated "
				+ "omission)\n\n");
		out.append("| target | offered req/s | achieved req/s | p50 ms | p99 ms | p99.9 ms | max ms | server CPU "
				+ "| server µs/req | errors |\n");
		out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (Result r : rows) {
			out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |\n", r.target(),
					count(r.offeredRate()), count(r.throughput()), ms(r.latencyMs(50)), ms(r.latencyMs(99)),
					ms(r.latencyMs(99.9)), ms(r.latencyMs(100)), pct(r.serverCpu()), micros(r.serverMicrosPerOp()),
					r.errors()));
		}
	}

	private void rpc(StringBuilder out) {
		List<Result> rows = closedLoop("rpc");
		if (rows.isEmpty()) {
			return;
		}
		out.append("\n**(c) `@ZmqRpc` calls** (`rpc` = plain method, which may block, on the zmqws-rpc scheduler; "
				+ "`rpc-nonblocking` = the same method with `@ZmqRpcMethod(blocking = false)`, on the caller's thread; "
				+ "`rpc-mono` = `Mono` method on the caller's thread), same client and payload as (a)\n\n");
		comparedToGateway(out, rows, "calls/s", "server µs/call");
	}

	private void transports(StringBuilder out) {
		List<Result> rows = closedLoop("transports");
		if (rows.isEmpty()) {
			return;
		}
		out.append("\n**(e) Transports, encodings and request engines**, request/reply as (a) (`gateway-msgpack` = "
				+ "MessagePack in binary frames; `gateway-h2c` = JSON on WebSockets over h2c (RFC 8441), streams of "
				+ "one HTTP/2 connection, served by a second gateway with `server.http2.enabled`; `gateway-jeromq` = "
				+ "JSON through a JeroMQ DEALER instead of the ZMTP engine, on a third gateway with "
				+ "`zmqws.zmq.request-engine=jeromq`)\n\n");
		comparedToGateway(out, rows, "req/s", "server µs/req");
	}

	/** The closed-loop ({@code max}) results of a scenario, in the order they were added. */
	private List<Result> closedLoop(String scenario) {
		return this.results.stream().filter((r) -> r.scenario().equals(scenario) && r.mode().equals("max")).toList();
	}

	private void comparedToGateway(StringBuilder out, List<Result> rows, String throughput, String cost) {
		out.append("| in flight | target | " + throughput + " | vs bare | vs gateway (a) | p50 ms | p99 ms | p99.9 ms "
				+ "| server CPU | " + cost + " | client CPU | errors |\n");
		out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (Result r : rows) {
			out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |\n",
					r.level(), r.target(), count(r.throughput()), ratio(r, "bare"), ratio(r, "gateway"),
					ms(r.latencyMs(50)), ms(r.latencyMs(99)), ms(r.latencyMs(99.9)), pct(r.serverCpu()),
					micros(r.serverMicrosPerOp()), pct(r.clientCpu()), r.errors()));
		}
	}

	private void fanout(StringBuilder out) {
		List<Result> rows = this.results.stream().filter((r) -> r.scenario().equals("fanout")).toList();
		if (rows.isEmpty()) {
			return;
		}
		out.append("\n**(b) Fan-out**, one topic, 100-byte messages (`max`: publisher keeps a window of messages "
				+ "not yet received by every subscriber; `rate`: constant publish rate, latency from due time)\n\n");
		out.append("| subscribers | target | mode | frames/s | vs bare | vs STOMP | p50 ms | p99 ms | p99.9 ms "
				+ "| server CPU | server µs/frame | client CPU | lost |\n");
		out.append("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (Result r : rows) {
			String mode = r.mode().equals("rate") ? "rate " + count(r.offeredRate()) + " msg/s" : "max";
			out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |\n",
					r.level(), r.target(), mode, count(r.throughput()), ratio(r, "bare"), ratio(r, "stomp"),
					ms(r.latencyMs(50)), ms(r.latencyMs(99)), ms(r.latencyMs(99.9)), pct(r.serverCpu()),
					micros(r.serverMicrosPerOp()), pct(r.clientCpu()), r.errors()));
		}
	}

	private void memory(StringBuilder out) {
		if (this.memory.isEmpty()) {
			return;
		}
		out.append("\n**(d) Memory**, idle connections with one subscription each (heap used after full GC, and "
				+ "VmRSS; per connection = growth from 0 connections / connections)\n\n");
		out.append("| target | connections | heap MB | heap per conn | RSS MB | RSS per conn |\n");
		out.append("|---|---:|---:|---:|---:|---:|\n");
		for (MemoryLoad.Sample m : this.memory) {
			Optional<double[]> per = perConnection(m.target(), m.connections());
			out.append(String.format(Locale.ROOT, "| %s | %d | %.1f | %s | %.1f | %s |\n", m.target(), m.connections(),
					m.heapBytes() / 1048576.0, per.map((p) -> kb(p[0])).orElse("-"), m.rssBytes() / 1048576.0,
					per.map((p) -> kb(p[1])).orElse("-")));
		}
	}

	private void jmh(StringBuilder out) {
		if (this.jmh.isEmpty()) {
			return;
		}
		out.append("\n**JMH** (hot path in isolation)\n\n");
		out.append("| benchmark | params | score | ± | unit |\n");
		out.append("|---|---|---:|---:|---|\n");
		for (JmhRow row : this.jmh) {
			out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |\n", row.benchmark(), row.params(),
					number(row.score()), number(row.error()), row.unit()));
		}
	}

	private void targets(StringBuilder out) {
		List<String[]> rows = new ArrayList<>();
		Optional<Result> gateway64 = find("reqrep", "gateway", 64, "max");
		Optional<Result> bare64 = find("reqrep", "bare", 64, "max");
		if (gateway64.isPresent() && bare64.isPresent()) {
			double ratio = gateway64.get().throughput() / bare64.get().throughput();
			rows.add(target("request/reply ≥ 50% of bare echo at 64 in flight", percent(ratio), ratio >= 0.5));
		}
		this.results.stream()
			.filter((r) -> r.scenario().equals("reqrep") && r.target().equals("gateway") && r.mode().equals("rate"))
			.findFirst()
			.ifPresent((r) -> rows.add(target("request/reply p99 < 5 ms at half its 64-in-flight load",
					String.format(Locale.ROOT, "p99 %s ms at %s req/s", ms(r.latencyMs(99)), count(r.offeredRate())),
					r.latencyMs(99) < 5 && r.errors() == 0)));
		for (String[] kind : new String[][] { { "rpc-nonblocking", "non-blocking method" },
				{ "rpc", "blocking method (zmqws-rpc scheduler)" } }) {
			Optional<Result> rpc64 = find("rpc", kind[0], 64, "max");
			if (rpc64.isPresent() && bare64.isPresent()) {
				double ratio = rpc64.get().throughput() / bare64.get().throughput();
				rows.add(target("@ZmqRpc ≥ 70% of bare echo (64 in flight), " + kind[1], percent(ratio),
						ratio >= 0.7));
			}
		}
		Optional<Result> fanGateway = find("fanout", "gateway", 1000, "max");
		Optional<Result> fanBare = find("fanout", "bare", 1000, "max");
		Optional<Result> fanStomp = find("fanout", "stomp", 1000, "max");
		if (fanGateway.isPresent() && fanBare.isPresent()) {
			double ratio = fanGateway.get().throughput() / fanBare.get().throughput();
			rows.add(target("fan-out to 1,000 ≥ 70% of bare broadcast", percent(ratio), ratio >= 0.7));
		}
		if (fanGateway.isPresent() && fanStomp.isPresent()) {
			double ratio = fanGateway.get().throughput() / fanStomp.get().throughput();
			rows.add(target("fan-out to 1,000 ≥ 2× STOMP simple broker",
					String.format(Locale.ROOT, "%.2f×", ratio), ratio >= 2));
		}
		perConnection("gateway", 10_000).ifPresent((per) -> rows.add(target(
				"≤ 10 KB heap per idle subscribed connection at 10,000", kb(per[0]), per[0] <= 10 * 1024)));
		if (rows.isEmpty()) {
			return;
		}
		out.append("\n**Targets** (issue #7)\n\n");
		out.append("| target | measured | |\n|---|---|---|\n");
		for (String[] row : rows) {
			out.append("| ").append(row[0]).append(" | ").append(row[1]).append(" | ").append(row[2]).append(" |\n");
		}
	}

	private static String[] target(String name, String measured, boolean met) {
		return new String[] { name, measured, met ? "met" : "**missed**" };
	}

	private String row(int level, String target, double throughput, String vsBare, Result r, long errors) {
		return String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |\n", level, target,
				count(throughput), vsBare, ms(r.latencyMs(50)), ms(r.latencyMs(99)), ms(r.latencyMs(99.9)),
				pct(r.serverCpu()), micros(r.serverMicrosPerOp()), pct(r.clientCpu()), errors);
	}

	/** This result's throughput relative to {@code baseline}'s at the same level and mode. */
	String ratio(Result r, String baseline) {
		if (r.target().equals(baseline)) {
			return "1.00";
		}
		return find(baseline, r.level(), r.mode())
			.filter((b) -> b.mode().equals("max"))
			.map((b) -> String.format(Locale.ROOT, "%.2f", r.throughput() / b.throughput()))
			.orElse("-");
	}

	static String count(double value) {
		if (Double.isNaN(value)) {
			return "-";
		}
		return String.format(Locale.ROOT, "%,.0f", value);
	}

	static String ms(double value) {
		if (Double.isNaN(value)) {
			return "-";
		}
		return (value >= 100) ? String.format(Locale.ROOT, "%.0f", value)
				: (value >= 10) ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%.2f", value);
	}

	static String pct(double value) {
		return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.0f%%", value);
	}

	static String percent(double ratio) {
		return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
	}

	static String micros(double value) {
		return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
	}

	static String kb(double bytes) {
		return String.format(Locale.ROOT, "%.1f KB", bytes / 1024);
	}

	static String number(double value) {
		if (Double.isNaN(value)) {
			return "-";
		}
		double abs = Math.abs(value);
		return (abs >= 100) ? String.format(Locale.ROOT, "%,.0f", value)
				: (abs >= 1) ? String.format(Locale.ROOT, "%.2f", value) : String.format(Locale.ROOT, "%.4f", value);
	}

}
