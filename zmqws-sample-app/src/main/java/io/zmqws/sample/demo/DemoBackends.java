package io.zmqws.sample.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.ZMQ;

import org.springframework.context.SmartLifecycle;

/**
 * The demo services behind the sample's endpoints, bound on 127.0.0.1: a REP
 * {@link EchoService echo service}, a PUB {@link TickerPublisher ticker} and a PULL
 * {@link PushCollector collector} that republishes on the ticker what is pushed to it.
 * <p>
 * They are bound before the web server starts and stopped after it stops. Stopping ends
 * every service thread, each closing its own socket, and then terminates their ZeroMQ
 * context.
 */
public class DemoBackends implements SmartLifecycle {

	/** Before the web server ({@code DEFAULT_PHASE - 2048}) starts, after it stops. */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(DemoBackends.class);

	private final DemoProperties properties;

	private final Object lifecycleMonitor = new Object();

	private volatile ZMQ.Context context;

	private List<DemoBackend> services = List.of();

	public DemoBackends(DemoProperties properties) {
		this.properties = properties;
	}

	@Override
	public void start() {
		synchronized (this.lifecycleMonitor) {
			if (this.context != null) {
				return;
			}
			ZMQ.Context context = ZMQ.context(1);
			TickerPublisher ticker = new TickerPublisher(context, this.properties.getTickerPort(),
					this.properties.getTickerInterval());
			PushCollector collector = new PushCollector(context, this.properties.getSinkPort(), ticker);
			EchoService echo = new EchoService(context, this.properties.getEchoPort());
			List<DemoBackend> services = List.of(ticker, collector, echo);
			try {
				for (DemoBackend service : services) {
					service.start(START_TIMEOUT);
				}
			}
			catch (RuntimeException ex) {
				shutDown(context, services);
				throw ex;
			}
			this.context = context;
			this.services = services;
			logger.info("Demo backends started: echo (REP) on " + echo.address() + ", ticker (PUB) on "
					+ ticker.address() + ", collector (PULL) on " + collector.address());
		}
	}

	@Override
	public void stop() {
		synchronized (this.lifecycleMonitor) {
			if (this.context == null) {
				return;
			}
			shutDown(this.context, this.services);
			this.context = null;
			this.services = List.of();
			logger.info("Demo backends stopped");
		}
	}

	private static void shutDown(ZMQ.Context context, List<DemoBackend> services) {
		for (DemoBackend service : services) {
			service.requestStop();
		}
		List<String> alive = new ArrayList<>();
		for (DemoBackend service : services) {
			if (!service.awaitStop(STOP_TIMEOUT)) {
				alive.add(service.address());
			}
		}
		if (alive.isEmpty()) {
			context.term();
		}
		else {
			logger.warn("Demo services on " + alive + " did not stop within " + STOP_TIMEOUT
					+ "; leaving their ZeroMQ context open");
		}
	}

	@Override
	public boolean isRunning() {
		return this.context != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
