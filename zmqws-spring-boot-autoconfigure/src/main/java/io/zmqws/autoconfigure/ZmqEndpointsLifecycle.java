package io.zmqws.autoconfigure;

import io.zmqws.socket.ZmqEndpoints;

import org.springframework.context.SmartLifecycle;

/**
 * Closes the endpoints when the application context stops: after the web server (whose
 * connections are closed first), and before the Netty event loops that ZMTP endpoints run
 * on are disposed (Spring's {@code ReactorResourceFactory} stops in phase 0), so that
 * their connections close on live loops and no retry keeps a loop from shutting down.
 */
final class ZmqEndpointsLifecycle implements SmartLifecycle {

	/** Stops after the web server's phases ({@code DEFAULT_PHASE - 2048} and above). */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private final ZmqEndpoints endpoints;

	private volatile boolean running;

	ZmqEndpointsLifecycle(ZmqEndpoints endpoints) {
		this.endpoints = endpoints;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.endpoints.close();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
