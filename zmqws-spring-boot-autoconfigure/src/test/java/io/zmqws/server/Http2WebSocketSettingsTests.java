package io.zmqws.server;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.netty.http.Http2SettingsSpec;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Http2WebSocketSettings}.
 */
class Http2WebSocketSettingsTests {

	@Test
	void enablesExtendedConnectKeepingEverySettingMadeBefore() {
		HttpServer configured = HttpServer.create().http2Settings((settings) -> earlierSettings(settings));
		Http2SettingsSpec applied = new Http2WebSocketSettings().apply(configured).configuration().http2SettingsSpec();
		Http2SettingsSpec.Builder expected = Http2SettingsSpec.builder();
		earlierSettings(expected).connectProtocolEnabled(true);
		assertThat(applied).isEqualTo(expected.build());
	}

	@Test
	void enablesExtendedConnectOnDefaultSettings() {
		Http2SettingsSpec applied = new Http2WebSocketSettings().apply(HttpServer.create())
			.configuration()
			.http2SettingsSpec();
		assertThat(applied).isEqualTo(Http2SettingsSpec.builder().connectProtocolEnabled(true).build());
	}

	private static Http2SettingsSpec.Builder earlierSettings(Http2SettingsSpec.Builder settings) {
		return settings.maxHeaderListSize(12 * 1024)
			.headerTableSize(8192)
			.initialWindowSize(1 << 20)
			.maxConcurrentStreams(50)
			.maxStreams(40)
			.maxFrameSize(32 * 1024)
			.pingAckTimeout(Duration.ofSeconds(5))
			.pingAckDropThreshold(3)
			.maxDecodedRstFramesPerWindow(100, 30)
			.maxEncodedRstFramesPerWindow(90, 20);
	}

}
