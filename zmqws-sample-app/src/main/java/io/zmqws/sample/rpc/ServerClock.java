package io.zmqws.sample.rpc;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.zmqws.pubsub.ZmqwsTemplate;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Publishes the server's time to the path {@value #PATH} every {@code demo.clock-interval}
 * (one second), as {@code {"time": "...", "tick": n, "started": "..."}} where
 * {@code started} is when this clock started, while the application runs.
 */
@Component
public class ServerClock implements SmartLifecycle {

	/** Where the time is published. */
	public static final String PATH = "/clock";

	private final ZmqwsTemplate template;

	private final Duration interval;

	private volatile Disposable ticking;

	public ServerClock(ZmqwsTemplate template, Environment environment) {
		this.template = template;
		this.interval = environment.getProperty("demo.clock-interval", Duration.class, Duration.ofSeconds(1));
	}

	@Override
	public synchronized void start() {
		if (this.ticking == null) {
			String started = Instant.now().toString();
			this.ticking = Flux.interval(this.interval)
				.subscribe((tick) -> this.template.publish(PATH,
						Map.of("time", Instant.now().toString(), "tick", tick + 1, "started", started)));
		}
	}

	@Override
	public synchronized void stop() {
		if (this.ticking != null) {
			this.ticking.dispose();
			this.ticking = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.ticking != null;
	}

}
