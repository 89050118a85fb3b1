package io.zmqws.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.zmqws.bench.gateway.GatewayBenchApplication;
import io.zmqws.bench.jmh.CodecBenchmark;
import io.zmqws.bench.jmh.RoutingBenchmark;
import io.zmqws.bench.load.FanoutLoad;
import io.zmqws.bench.load.MemoryLoad;
import io.zmqws.bench.load.Meter;
import io.zmqws.bench.load.Result;
import io.zmqws.bench.load.WsRequestLoad;
import io.zmqws.bench.load.ZmqRequestLoad;
import io.zmqws.bench.report.Report;
import io.zmqws.bench.server.BareServer;
import io.zmqws.bench.server.RepEchoServer;
import io.zmqws.bench.stomp.StompBenchApplication;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * The benchmark driver. {@code all [--short]} starts every server in its own JVM pinned to
 * the server CPUs, pins itself (the load generator) to the client CPUs, runs the
 * scenarios of issue #7 side by side, then the JMH microbenchmarks, and prints the
 * Markdown table for {@code docs/benchmarks.md}. See {@code docs/benchmarks.md} for the
 * commands and what each figure means.
 */
public final class Bench {

	private static final int PAYLOAD = 100;

	private static final long START = System.nanoTime();

	private final Settings settings;

	private final Options options;

	private final Path runDir;

	private final Report report;

	private final ZMQ.Context zmq = ZMQ.context(1);

	private final List<ServerProcess> servers = new ArrayList<>();

	private ZMQ.Socket pub;

	private int pubPort;

	private int repPort;

	private int gatewayPort;

	private int gatewayH2cPort;

	private int barePort;

	private int stompPort;

	private ServerProcess rep;

	private ZmqRequestLoad zmqClient;

	private ServerProcess gateway;

	/** A second gateway, with {@code server.http2.enabled} (h2c), for the transports scenario. */
	private ServerProcess gatewayH2c;

	/** A third gateway, whose REQ endpoint is a JeroMQ DEALER, for the transports scenario. */
	private ServerProcess gatewayJeromq;

	private int gatewayJeromqPort;

	private ServerProcess bare;

	private ServerProcess stomp;

	private Bench(Options options) throws IOException {
		this.options = options;
		this.settings = options.isShort ? Settings.SHORT : Settings.FULL;
		String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(ZonedDateTime.now(ZoneOffset.UTC));
		this.runDir = options.out.resolve(stamp);
		Files.createDirectories(this.runDir);
		this.report = new Report(header());
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 0) {
			usage();
			return;
		}
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		switch (args[0]) {
			case "server" -> server(rest);
			case "jfr-top" -> JfrTop.print(Path.of(rest[0]), (rest.length > 1) ? rest[1] : null,
					(rest.length > 2) ? Integer.parseInt(rest[2]) : 30);
			case "all", "jmh", "reqrep", "rpc", "transports", "fanout", "memory" -> {
				Options options = Options.parse(args[0], rest);
				new Bench(options).run();
				System.exit(0);
			}
			default -> usage();
		}
	}

	private static void usage() {
		System.out.println("""
				usage:
				  all [--short] [--jfr] [--only=reqrep,rpc,transports,fanout,memory,jmh] [--server-cpus=0] [--client-cpus=1] [--out=DIR]
				      everything (or some scenarios); prints the Markdown table for docs/benchmarks.md
				  reqrep|rpc|transports|fanout|memory|jmh [--short] ...   one scenario (rpc and transports run reqrep's baselines too)
				  jfr-top FILE.jfr [THREAD-PREFIX] [TOP]        CPU samples of a recording (--jfr keeps them)
				  server gateway|bare|stomp|rep ARGS            one server (started by the driver)""");
	}

	private static void server(String[] args) {
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		switch (args[0]) {
			case "gateway" -> GatewayBenchApplication.main(rest);
			case "stomp" -> StompBenchApplication.main(rest);
			case "bare" -> BareServer.run(Integer.parseInt(rest[0]));
			case "rep" -> RepEchoServer.run(Integer.parseInt(rest[0]));
			default -> throw new IllegalArgumentException("Unknown server " + args[0]);
		}
	}

	/** Writes a line to standard error with the seconds since the driver started. */
	public static void log(String line) {
		System.err.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - START) / 1e9, line);
	}

	private void run() throws Exception {
		Runtime.getRuntime().addShutdownHook(new Thread(this::stopServers));
		log("run " + this.settings.name() + ", results in " + this.runDir);
		try {
			Set<String> only = this.options.only;
			boolean requests = only.contains("reqrep") || only.contains("rpc") || only.contains("transports");
			boolean load = requests || only.contains("fanout")
					|| only.contains("memory");
			if (load) {
				Affinity.pinSelf(this.options.clientCpus);
				this.pub = this.zmq.socket(SocketType.PUB);
				this.pub.setSndHWM(100_000);
				this.pub.setLinger(0);
				this.pubPort = this.pub.bindToRandomPort("tcp://127.0.0.1");
			}
			if (requests || only.contains("fanout")) {
				startServers(only);
			}
			if (requests) {
				requestReply(only.contains("rpc"));
			}
			if (only.contains("transports")) {
				transports();
			}
			if (only.contains("fanout")) {
				fanout();
			}
			stopServers();
			if (only.contains("memory")) {
				memory();
			}
			if (only.contains("jmh")) {
				Affinity.pinSelf(this.options.serverCpus + "," + this.options.clientCpus);
				jmh();
			}
		}
		finally {
			stopServers();
			if (this.zmqClient != null) {
				this.zmqClient.close();
			}
			if (this.pub != null) {
				this.pub.close();
			}
			this.zmq.term();
		}
		this.report.note("load average at the end: " + loadAverage());
		String markdown = this.report.toMarkdown();
		Path table = this.runDir.resolve("table.md");
		Files.writeString(table, markdown, StandardCharsets.UTF_8);
		System.out.println();
		System.out.println(markdown);
		log("table written to " + table);
	}

	// ---------------------------------------------------------------- servers

	private List<String> jvmArgs(String kind) {
		return List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError");
	}

	/**
	 * Notes in {@code <run dir>/threads.txt} which of the gateway's threads used its CPU
	 * during the measurement window and, with {@code --jfr}, records the gateway (profile
	 * settings) into {@code <run dir>/<label>.jfr}; {@code jfr-top} summarises it.
	 */
	private Meter profiled(Meter meter, String label) {
		return profiled(meter, label, this.gateway);
	}

	/** Records {@code gateway}'s threads (and, with {@code --jfr}, a recording) around the meter's window. */
	private Meter profiled(Meter meter, String label, ServerProcess gateway) {
		if (gateway == null) {
			return meter;
		}
		long gatewayPid = gateway.pid();
		String pid = Long.toString(gatewayPid);
		String name = label.replaceAll("[^A-Za-z0-9]+", "-");
		Path file = this.runDir.resolve(name + ".jfr");
		Map<String, Long> before = new HashMap<>();
		long[] startNanos = new long[1];
		return meter.around(() -> {
			before.putAll(ThreadCpu.snapshot(gatewayPid));
			startNanos[0] = System.nanoTime();
			if (this.options.jfr) {
				jcmd(pid, "JFR.start", "name=" + name, "settings=profile");
			}
		}, () -> {
			double seconds = (System.nanoTime() - startNanos[0]) / 1e9;
			String line = label + ": " + ThreadCpu.difference(before, ThreadCpu.snapshot(gatewayPid), seconds)
					+ System.lineSeparator();
			try {
				Files.writeString(this.runDir.resolve("threads.txt"), line, StandardCharsets.UTF_8,
						StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			}
			catch (IOException ex) {
				log("cannot write threads.txt: " + ex);
			}
			if (this.options.jfr) {
				jcmd(pid, "JFR.stop", "name=" + name, "filename=" + file);
			}
		});
	}

	private static void jcmd(String... args) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
		command.addAll(List.of(args));
		try {
			new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start()
				.waitFor(30, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			log("jcmd failed: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private ServerProcess startServer(String kind, List<String> args) throws IOException {
		return startServer(kind, kind, args);
	}

	private ServerProcess startServer(String kind, String label, List<String> args) throws IOException {
		ServerProcess server = ServerProcess.start(kind, label, this.options.serverCpus, jvmArgs(kind), args,
				this.runDir.resolve("logs"));
		this.servers.add(server);
		return server;
	}

	private void startServers(Set<String> only) throws IOException {
		this.repPort = freePort();
		this.gatewayPort = freePort();
		this.barePort = freePort();
		this.stompPort = freePort();
		this.rep = startServer("rep", List.of(Integer.toString(this.repPort)));
		this.gateway = startGateway(this.gatewayPort);
		this.bare = startServer("bare", List.of(Integer.toString(this.barePort)));
		if (only.contains("fanout")) {
			this.stomp = startServer("stomp", List.of("--server.port=" + this.stompPort, "--server.address=127.0.0.1",
					"--spring.main.banner-mode=off", "--logging.level.root=WARN"));
		}
		if (only.contains("transports")) {
			this.gatewayH2cPort = freePort();
			this.gatewayH2c = startServer("gateway", "gateway-h2c",
					gatewayArgs(this.gatewayH2cPort, "--server.http2.enabled=true"));
			this.gatewayJeromqPort = freePort();
			this.gatewayJeromq = startServer("gateway", "gateway-jeromq",
					gatewayArgs(this.gatewayJeromqPort, "--zmqws.zmq.request-engine=jeromq"));
		}
		this.rep.awaitReady(60);
		this.gateway.awaitReady(120);
		if (this.gatewayH2c != null) {
			this.gatewayH2c.awaitReady(120);
			this.gatewayJeromq.awaitReady(120);
		}
		this.bare.awaitReady(60);
		if (this.stomp != null) {
			this.stomp.awaitReady(120);
		}
		if (this.options.jfr) {
			// The first JFR start in a JVM stalls it for seconds (JFR loads and the JIT
			// recompiles): start and stop one before anything is measured.
			for (ServerProcess gateway : new ServerProcess[] { this.gateway, this.gatewayH2c, this.gatewayJeromq }) {
				if (gateway != null) {
					String pid = Long.toString(gateway.pid());
					jcmd(pid, "JFR.start", "name=prime", "settings=profile");
					jcmd(pid, "JFR.stop", "name=prime");
				}
			}
		}
	}

	private ServerProcess startGateway(int port) throws IOException {
		return startServer("gateway", gatewayArgs(port));
	}

	private List<String> gatewayArgs(int port, String... more) throws IOException {
		if (this.repPort == 0) {
			this.repPort = freePort();
		}
		List<String> args = new ArrayList<>(List.of("--server.port=" + port, "--server.address=127.0.0.1",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN",
				"--zmqws.endpoints.echo.type=REQ", "--zmqws.endpoints.echo.address=tcp://127.0.0.1:" + this.repPort,
				"--zmqws.endpoints.feed.type=SUB", "--zmqws.endpoints.feed.address=tcp://127.0.0.1:" + this.pubPort,
				// one connection carries up to 64 requests in flight; the default limit of 1,000
				// inbound messages per second per connection is a safety net, not a benchmark subject
				"--zmqws.session.max-messages-per-second=0"));
		args.addAll(List.of(more));
		return args;
	}

	private void stopServers() {
		for (ServerProcess server : this.servers) {
			server.close();
		}
		this.servers.clear();
		this.rep = null;
		this.gateway = null;
		this.gatewayH2c = null;
		this.gatewayJeromq = null;
		this.bare = null;
		this.stomp = null;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private static Meter meter(ServerProcess... processes) {
		return new Meter(Arrays.stream(processes).map(ServerProcess::pid).toList());
	}

	// ---------------------------------------------------------------- scenarios

	private void requestReply(boolean rpc) {
		log("warming up the JIT of every server (unrecorded)");
		for (WsRequestLoad.Kind kind : List.of(WsRequestLoad.Kind.BARE, WsRequestLoad.Kind.GATEWAY,
				WsRequestLoad.Kind.RPC, WsRequestLoad.Kind.RPC_NONBLOCKING, WsRequestLoad.Kind.RPC_MONO)) {
			if (!rpc && kind != WsRequestLoad.Kind.BARE && kind != WsRequestLoad.Kind.GATEWAY) {
				continue;
			}
			ws(kind, 64, 0, this.settings.jitWarmup(), meter(), false);
		}
		zmqLoad(64, 0, this.settings.jitWarmup(), false);
		for (int inFlight : this.settings.inFlight()) {
			ws(WsRequestLoad.Kind.BARE, inFlight, 0, this.settings.measure(), meter(this.bare), true);
			ws(WsRequestLoad.Kind.GATEWAY, inFlight, 0, this.settings.measure(),
					profiled(meter(this.gateway, this.rep), "reqrep-gateway-" + inFlight), true);
			zmqLoad(inFlight, 0, this.settings.measure(), true);
			if (rpc) {
				ws(WsRequestLoad.Kind.RPC, inFlight, 0, this.settings.measure(),
						profiled(meter(this.gateway), "rpc-" + inFlight), true);
				if (inFlight == 64) {
					ws(WsRequestLoad.Kind.RPC_NONBLOCKING, inFlight, 0, this.settings.measure(),
							profiled(meter(this.gateway), "rpc-nonblocking-" + inFlight), true);
					ws(WsRequestLoad.Kind.RPC_MONO, inFlight, 0, this.settings.measure(),
							profiled(meter(this.gateway), "rpc-mono-" + inFlight), true);
				}
			}
		}
		// constant rate at half the gateway's 64-in-flight throughput: the latency target
		Optional<Result> gateway64 = this.report.find("reqrep", "gateway", 64, "max");
		if (gateway64.isPresent()) {
			double rate = Math.floor(gateway64.get().throughput() / 2);
			ws(WsRequestLoad.Kind.GATEWAY, 64, rate, this.settings.measure(),
					profiled(meter(this.gateway, this.rep), "reqrep-gateway-rate"), true);
			ws(WsRequestLoad.Kind.BARE, 64, rate, this.settings.measure(), meter(this.bare), true);
			zmqLoad(64, rate, this.settings.measure(), true);
		}
		Optional<Result> rpc64 = this.report.find("rpc", "rpc", 64, "max");
		if (rpc && rpc64.isPresent()) {
			ws(WsRequestLoad.Kind.RPC, 64, Math.floor(rpc64.get().throughput() / 2), this.settings.measure(),
					meter(this.gateway), true);
		}
	}

	/**
	 * Request/reply at 64 in flight in MessagePack, in JSON over h2c on the second gateway,
	 * and in JSON through a JeroMQ DEALER on the third; the JSON over HTTP/1.1 and bare rows
	 * of (a) are the baselines.
	 */
	private void transports() {
		log("transports: warming up the JIT (unrecorded)");
		ws(WsRequestLoad.Kind.GATEWAY_MSGPACK, 64, 0, this.settings.jitWarmup(), meter(), false);
		ws(WsRequestLoad.Kind.GATEWAY_H2C, 64, 0, this.settings.jitWarmup(), meter(), false);
		ws(WsRequestLoad.Kind.GATEWAY_JEROMQ, 64, 0, this.settings.jitWarmup(), meter(), false);
		ws(WsRequestLoad.Kind.GATEWAY_MSGPACK, 64, 0, this.settings.measure(),
				profiled(meter(this.gateway, this.rep), "transports-msgpack-64"), true);
		ws(WsRequestLoad.Kind.GATEWAY_H2C, 64, 0, this.settings.measure(),
				profiled(meter(this.gatewayH2c, this.rep), "transports-h2c-64", this.gatewayH2c), true);
		ws(WsRequestLoad.Kind.GATEWAY_JEROMQ, 64, 0, this.settings.measure(),
				profiled(meter(this.gatewayJeromq, this.rep), "transports-jeromq-64", this.gatewayJeromq), true);
	}

	private void ws(WsRequestLoad.Kind kind, int inFlight, double rate, java.time.Duration measure, Meter meter,
			boolean record) {
		int port = switch (kind) {
			case BARE -> this.barePort;
			case GATEWAY_H2C -> this.gatewayH2cPort;
			case GATEWAY_JEROMQ -> this.gatewayJeromqPort;
			default -> this.gatewayPort;
		};
		attempt(kind.label() + " " + inFlight + ((rate > 0) ? " @" + (long) rate + "/s" : ""),
				() -> new WsRequestLoad(kind, PAYLOAD).run(port, Settings.connectionsFor(inFlight), inFlight, rate,
						this.settings.warmup(), measure, meter),
				record);
	}

	private void zmqLoad(int inFlight, double rate, java.time.Duration measure, boolean record) {
		attempt("zmq " + inFlight + ((rate > 0) ? " @" + (long) rate + "/s" : ""),
				() -> zmqClient().run(inFlight, rate, this.settings.warmup(), measure, meter(this.rep)),
				record);
	}

	private ZmqRequestLoad zmqClient() {
		if (this.zmqClient == null) {
			this.zmqClient = new ZmqRequestLoad(this.zmq, this.repPort, PAYLOAD);
		}
		return this.zmqClient;
	}

	private void fanout() {
		FanoutLoad.Publisher zmqPublisher = FanoutLoad.zmqPublisher(this.pub);
		FanoutLoad.Publisher barePublisher = FanoutLoad.barePublisher(this.barePort);
		FanoutLoad.Publisher stompPublisher = FanoutLoad.stompPublisher(this.stompPort);
		try {
			log("warming up the JIT of every server for fan-out (unrecorded)");
			int warmupSubscribers = 100;
			fan(FanoutLoad.Target.BARE, warmupSubscribers, barePublisher, Settings.windowFor(warmupSubscribers), 0,
					false);
			fan(FanoutLoad.Target.GATEWAY, warmupSubscribers, zmqPublisher, Settings.windowFor(warmupSubscribers), 0,
					false);
			fan(FanoutLoad.Target.STOMP, warmupSubscribers, stompPublisher, Settings.windowFor(warmupSubscribers), 0,
					false);
			for (int subscribers : this.settings.subscribers()) {
				int window = Settings.windowFor(subscribers);
				fan(FanoutLoad.Target.BARE, subscribers, barePublisher, window, 0);
				fan(FanoutLoad.Target.GATEWAY, subscribers, zmqPublisher, window, 0);
				fan(FanoutLoad.Target.STOMP, subscribers, stompPublisher, window, 0);
			}
			// equal load for all three at the largest level: half the slowest one's maximum
			int largest = this.settings.subscribers()[this.settings.subscribers().length - 1];
			Optional<Double> slowest = List.of("bare", "gateway", "stomp")
				.stream()
				.map((target) -> this.report.find("fanout", target, largest, "max"))
				.filter(Optional::isPresent)
				.map((r) -> r.get().throughput())
				.min(Double::compare);
			if (slowest.isPresent()) {
				double rate = Math.max(1, Math.floor(slowest.get() / 2 / largest));
				fan(FanoutLoad.Target.BARE, largest, barePublisher, 0, rate);
				fan(FanoutLoad.Target.GATEWAY, largest, zmqPublisher, 0, rate);
				fan(FanoutLoad.Target.STOMP, largest, stompPublisher, 0, rate);
			}
		}
		finally {
			barePublisher.close();
			stompPublisher.close();
		}
	}

	private void fan(FanoutLoad.Target target, int subscribers, FanoutLoad.Publisher publisher, int window,
			double rate) {
		fan(target, subscribers, publisher, window, rate, true);
	}

	private void fan(FanoutLoad.Target target, int subscribers, FanoutLoad.Publisher publisher, int window,
			double rate, boolean record) {
		int port;
		Meter meter;
		switch (target) {
			case GATEWAY -> {
				port = this.gatewayPort;
				meter = record ? profiled(meter(this.gateway),
						"fanout-gateway-" + subscribers + ((rate > 0) ? "-rate" : "")) : meter(this.gateway);
			}
			case BARE -> {
				port = this.barePort;
				meter = meter(this.bare);
			}
			default -> {
				port = this.stompPort;
				meter = meter(this.stomp);
			}
		}
		attempt("fanout " + target.label() + " " + subscribers + ((rate > 0) ? " @" + (long) rate + " msg/s" : ""),
				() -> new FanoutLoad(target, subscribers, PAYLOAD).run(port, publisher, window, rate,
						this.settings.warmup(), record ? this.settings.measure() : this.settings.jitWarmup(), meter),
				record);
	}

	private void memory() throws IOException {
		for (FanoutLoad.Target target : List.of(FanoutLoad.Target.GATEWAY, FanoutLoad.Target.BARE)) {
			int port = freePort();
			ServerProcess server = (target == FanoutLoad.Target.GATEWAY) ? startGateway(port)
					: startServer("bare", List.of(Integer.toString(port)));
			MemoryLoad load = new MemoryLoad(target);
			try {
				server.awaitReady(120);
				sample(load.sample(port, 0));
				histogram(server, target.label() + "-0");
				for (int connections : this.settings.connections()) {
					sample(load.growTo(port, connections));
					histogram(server, target.label() + "-" + connections);
				}
			}
			catch (RuntimeException ex) {
				log("memory " + target.label() + " FAILED: " + ex);
				this.report.note("memory " + target.label() + " failed: " + ex.getMessage());
			}
			finally {
				load.closeAll();
				stopServers();
			}
		}
	}

	/** Keeps the server's class histogram (live objects) next to the table, to see what a connection holds. */
	private void histogram(ServerProcess server, String name) {
		Path file = this.runDir.resolve("histogram-" + name + ".txt");
		try {
			new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
					Long.toString(server.pid()), "GC.class_histogram")
				.redirectErrorStream(true)
				.redirectOutput(file.toFile())
				.start()
				.waitFor(60, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			log("class histogram failed: " + ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void sample(MemoryLoad.Sample sample) {
		log(String.format(Locale.ROOT, "memory %s %d connections: heap %.1f MB, RSS %.1f MB", sample.target(),
				sample.connections(), sample.heapBytes() / 1048576.0, sample.rssBytes() / 1048576.0));
		this.report.add(sample);
	}

	private void jmh() throws Exception {
		log("JMH (CPUs " + this.options.serverCpus + "," + this.options.clientCpus + ")");
		ChainedOptionsBuilder jmh = new OptionsBuilder().include(CodecBenchmark.class.getSimpleName())
			.include(RoutingBenchmark.class.getSimpleName())
			.forks(1)
			.warmupIterations(this.settings.jmhWarmup())
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(this.settings.jmhMeasure())
			.measurementTime(TimeValue.seconds(1))
			.jvmArgs("-Xms1g", "-Xmx1g", "-XX:+UseG1GC")
			.shouldFailOnError(true)
			.output(this.runDir.resolve("jmh.txt").toString());
		Collection<RunResult> results = new Runner(jmh.build()).run();
		for (RunResult result : results) {
			var params = result.getParams();
			String name = params.getBenchmark().replaceAll("^.*\\.(\\w+\\.\\w+)$", "$1");
			String paramText = params.getParamsKeys()
				.stream()
				.map((key) -> key + "=" + params.getParam(key))
				.collect(Collectors.joining(", "));
			var primary = result.getPrimaryResult();
			this.report.add(new Report.JmhRow(name, paramText.isEmpty() ? "-" : paramText, primary.getScore(),
					primary.getScoreError(), primary.getScoreUnit()));
			log(String.format(Locale.ROOT, "jmh %s %s: %.1f ± %.1f %s", name, paramText, primary.getScore(),
					primary.getScoreError(), primary.getScoreUnit()));
		}
	}

	private void attempt(String label, Supplier<Result> run, boolean record) {
		try {
			Result result = run.get();
			if (record) {
				this.report.add(result);
			}
			log(String.format(Locale.ROOT, "%s%-28s %,12.0f/s  p50 %.2f  p99 %.2f  p99.9 %.2f ms  srv %.0f%%  cli %.0f%%  err %d",
					record ? "" : "(warm-up) ", label, result.throughput(), result.latencyMs(50), result.latencyMs(99),
					result.latencyMs(99.9), result.serverCpu(), result.clientCpu(), result.errors()));
		}
		catch (RuntimeException ex) {
			log(label + " FAILED: " + ex);
			if (record) {
				this.report.note(label + " failed: " + ex.getMessage());
			}
		}
		try {
			TimeUnit.MILLISECONDS.sleep(300);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	// ---------------------------------------------------------------- header

	private String header() {
		String date = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").format(ZonedDateTime.now(ZoneOffset.UTC));
		return String.format(Locale.ROOT,
				"### %s, commit `%s`, %s run%n%n%s; %d CPUs; servers pinned to CPU %s, load generator to CPU %s "
						+ "(`taskset`%s); Java %s; servers: G1, 1 GB heap; load average at the start: %s.%n",
				date, commit(), this.settings.name(), cpuModel(), Runtime.getRuntime().availableProcessors(),
				this.options.serverCpus, this.options.clientCpus, Affinity.available() ? "" : ": NOT available",
				System.getProperty("java.version"), loadAverage());
	}

	private static String commit() {
		String fromEnv = System.getenv("BENCH_COMMIT");
		if (fromEnv != null && !fromEnv.isBlank()) {
			return fromEnv.trim();
		}
		try {
			Process git = new ProcessBuilder("git", "describe", "--always", "--dirty", "--abbrev=10")
				.redirectErrorStream(true)
				.start();
			String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			return (git.waitFor() == 0) ? out : "unknown";
		}
		catch (IOException | InterruptedException ex) {
			return "unknown";
		}
	}

	private static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown CPU");
		}
		catch (IOException ex) {
			return "unknown CPU";
		}
	}

	private static String loadAverage() {
		try {
			String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return parts[0] + " " + parts[1] + " " + parts[2];
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	/** Command-line options. */
	record Options(boolean isShort, boolean jfr, Set<String> only, String serverCpus, String clientCpus, Path out) {

		private static final List<String> ALL = List.of("reqrep", "rpc", "transports", "fanout", "memory", "jmh");

		static Options parse(String command, String[] args) {
			boolean isShort = false;
			boolean jfr = false;
			Set<String> only = new HashSet<>(command.equals("all") ? ALL : List.of(command));
			String serverCpus = "0";
			String clientCpus = "1";
			Path out = defaultOut();
			for (String arg : args) {
				if (arg.equals("--short")) {
					isShort = true;
				}
				else if (arg.equals("--jfr")) {
					jfr = true;
				}
				else if (arg.startsWith("--only=")) {
					only = Arrays.stream(arg.substring(7).split(",")).map(String::trim).collect(Collectors.toSet());
				}
				else if (arg.startsWith("--server-cpus=")) {
					serverCpus = arg.substring(14);
				}
				else if (arg.startsWith("--client-cpus=")) {
					clientCpus = arg.substring(14);
				}
				else if (arg.startsWith("--out=")) {
					out = Path.of(arg.substring(6));
				}
				else {
					throw new IllegalArgumentException("Unknown option " + arg);
				}
			}
			if (!ALL.containsAll(only)) {
				throw new IllegalArgumentException("--only takes " + ALL);
			}
			return new Options(isShort, jfr, only, serverCpus, clientCpus, out);
		}

		/** {@code target/bench-results} next to the jar (or the classes directory). */
		private static Path defaultOut() {
			try {
				Path location = Path.of(Bench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
				return location.getParent().resolve("bench-results");
			}
			catch (Exception ex) {
				return Path.of("bench-results");
			}
		}

		Map<String, Object> describe() {
			return Map.of("short", this.isShort, "only", this.only);
		}

	}

}
