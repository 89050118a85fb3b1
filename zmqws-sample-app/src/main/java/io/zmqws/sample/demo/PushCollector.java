package io.zmqws.sample.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * A PULL socket that hands whatever is pushed to it to the {@link TickerPublisher}, to be
 * published as {@code ["pushed.", frames...]}.
 */
final class PushCollector extends DemoBackend {

	static final byte[] TOPIC = "pushed.".getBytes(StandardCharsets.UTF_8);

	private static final Log logger = LogFactory.getLog(PushCollector.class);

	private final TickerPublisher publisher;

	private long dropped;

	PushCollector(ZMQ.Context context, int port, TickerPublisher publisher) {
		super("demo-collector", context, SocketType.PULL, port);
		this.publisher = publisher;
	}

	@Override
	protected void serve(ZMQ.Socket socket) {
		while (isRunning()) {
			List<byte[]> pushed = receive(socket);
			if (pushed != null) {
				List<byte[]> message = new ArrayList<>(pushed.size() + 1);
				message.add(TOPIC);
				message.addAll(pushed);
				if (!this.publisher.publish(message)) {
					this.dropped++;
					if (this.dropped == 1 || this.dropped % 1000 == 0) {
						logger.warn("Ticker cannot keep up; " + this.dropped + " pushed messages not republished");
					}
				}
			}
		}
	}

}
