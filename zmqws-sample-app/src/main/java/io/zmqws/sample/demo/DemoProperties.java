package io.zmqws.sample.demo;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the embedded demo backends, which bind on 127.0.0.1.
 */
@ConfigurationProperties("demo")
public class DemoProperties {

	private final Backends backends = new Backends();

	/**
	 * Port of the REP echo service.
	 */
	private int echoPort = 15555;

	/**
	 * Port of the PUB ticker, which also republishes what the collector receives.
	 */
	private int tickerPort = 15556;

	/**
	 * Port of the PULL collector.
	 */
	private int sinkPort = 15557;

	/**
	 * Time between two rounds of ticker prices.
	 */
	private Duration tickerInterval = Duration.ofMillis(250);

	public Backends getBackends() {
		return this.backends;
	}

	public int getEchoPort() {
		return this.echoPort;
	}

	public void setEchoPort(int echoPort) {
		this.echoPort = echoPort;
	}

	public int getTickerPort() {
		return this.tickerPort;
	}

	public void setTickerPort(int tickerPort) {
		this.tickerPort = tickerPort;
	}

	public int getSinkPort() {
		return this.sinkPort;
	}

	public void setSinkPort(int sinkPort) {
		this.sinkPort = sinkPort;
	}

	public Duration getTickerInterval() {
		return this.tickerInterval;
	}

	public void setTickerInterval(Duration tickerInterval) {
		this.tickerInterval = tickerInterval;
	}

	/**
	 * Whether the demo backends run at all.
	 */
	public static class Backends {

		/**
		 * Whether to start the demo backends; switch off to point the endpoints at real
		 * services.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
