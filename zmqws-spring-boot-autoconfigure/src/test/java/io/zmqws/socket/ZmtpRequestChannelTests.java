package io.zmqws.socket;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.EventExecutor;
import io.zmqws.testsupport.FreePorts;
import io.zmqws.testsupport.RouterBackend;
import io.zmqws.testsupport.ZmqBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RequestChannelTests} for zmqws's own ZMTP client, on Reactor Netty event loops as
 * the gateway runs it, and what only it does: check its peers, answer their heartbeats,
 * and fail exactly the requests of a connection it loses.
 */
@ExtendWith(OutputCaptureExtension.class)
class ZmtpRequestChannelTests extends RequestChannelTests {

	private static final int LANES = 2;

	private static final LoopResources loops = LoopResources.create("zmtp-test", LANES, true);

	@AfterAll
	static void disposeLoops() {
		loops.dispose();
	}

	@Override
	protected RequestChannel create(EndpointDefinition definition, ZMQ.Context context) {
		EventLoopGroup group = loops.onServer(LoopResources.DEFAULT_NATIVE);
		return new ZmtpTransport(group, loops.onChannelClass(SocketChannel.class, group)).requestChannel(definition);
	}

	@Test
	void onlyConnectingTcpRequestEndpointsAreCarried() {
		assertThat(ZmtpRequestChannel.supports(definition(EndpointType.REQ, false, "tcp://localhost:5555"))).isTrue();
		assertThat(ZmtpRequestChannel.supports(definition(EndpointType.RPC, false, "tcp://[::1]:5555"))).isTrue();
		assertThat(ZmtpRequestChannel.supports(definition(EndpointType.REQ, true, "tcp://*:5555"))).isFalse();
		assertThat(ZmtpRequestChannel.supports(definition(EndpointType.REQ, false, "ipc://backend"))).isFalse();
		assertThat(ZmtpRequestChannel.supports(definition(EndpointType.SUB, false, "tcp://localhost:5555")))
			.isFalse();
	}

	@Test
	void aRequestMadeOnAnEventLoopIsAnsweredOnThatLoop() throws Exception {
		try (ZmqBackend echo = ZmqBackend.echo(this.address)) {
			start(options());
			await().atMost(WAIT).until(() -> this.channel.connectedPeers() == 1);
			List<EventExecutor> executors = new ArrayList<>();
			loops.onServer(LoopResources.DEFAULT_NATIVE).forEach(executors::add);
			assertThat(executors).hasSize(LANES);
			for (EventExecutor executor : executors) {
				CompletableFuture<Boolean> sameThread = new CompletableFuture<>();
				executor.execute(() -> {
					Thread caller = Thread.currentThread();
					this.channel.request(frames("on " + caller.getName()), null)
						.subscribe((reply) -> sameThread.complete(Thread.currentThread() == caller),
								sameThread::completeExceptionally);
				});
				assertThat(sameThread.get(10, TimeUnit.SECONDS)).as("reply on the requesting loop").isTrue();
			}
		}
	}

	@Test
	void aHostNameIsLookedUpAndServed() throws Exception {
		int port = FreePorts.next();
		try (ZmqBackend echo = ZmqBackend.echo("tcp://127.0.0.1:" + port)) {
			start(options(), "tcp://localhost:" + port);
			await().atMost(WAIT).until(() -> this.channel.connectedPeers() == 1);
			assertThat(texts(request("by name").get(10, TimeUnit.SECONDS))).containsExactly("by name");
		}
	}

	@Test
	void aHostNameThatDoesNotResolveLeavesTheEndpointWithoutBackends() {
		start(options(), "tcp://no-such-host.invalid:5555");
		assertThat(failure(request("nowhere")).getReason()).isEqualTo(ZmqSocketException.Reason.BACKEND_UNAVAILABLE);
		assertThat(this.channel.connectedPeers()).isZero();
	}

	@Test
	void aPeerOfAnotherSocketTypeIsNeverSentRequests() {
		try (ZMQ.Context context = ZMQ.context(1); ZMQ.Socket pull = context.socket(SocketType.PULL)) {
			pull.setLinger(0);
			pull.bind(this.address);
			start(options());
			CompletableFuture<List<byte[]>> refused = request("to a PULL socket");
			assertThat(failure(refused).getReason()).isEqualTo(ZmqSocketException.Reason.BACKEND_UNAVAILABLE);
			assertThat(this.channel.connectedPeers()).isZero();
			pull.setReceiveTimeOut(300);
			assertThat(pull.recv()).as("nothing reached the PULL socket").isNull();
		}
	}

	@Test
	void aPeerThatDoesNotSpeakZmtpIsDroppedAndTriedAgainAndLoggedOncePerLane(CapturedOutput output)
			throws Exception {
		try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			AtomicInteger accepted = new AtomicInteger();
			Thread acceptor = new Thread(() -> answerWithHttp(server, accepted), "not-zmtp");
			acceptor.setDaemon(true);
			acceptor.start();
			start(options(), "tcp://127.0.0.1:" + server.getLocalPort());
			await().atMost(WAIT).until(() -> accepted.get() >= 4 * LANES);
			assertThat(this.channel.connectedPeers()).isZero();
			assertThat(failure(request("nobody")).getReason()).isEqualTo(ZmqSocketException.Reason.BACKEND_UNAVAILABLE);
			String warning = "closing the connection to tcp://127.0.0.1:" + server.getLocalPort()
					+ ": the peer does not speak ZMTP";
			assertThat(output.getAll().split(Pattern.quote(warning), -1))
				.as("warnings, one per lane").hasSize(LANES + 1);
		}
	}

	@Test
	void aReplyOverTheSizeLimitClosesTheConnectionAndFailsItsRequestsOnly() throws Exception {
		start(options(Duration.ofSeconds(30), 100, 1024, true));
		try (RouterBackend backend = RouterBackend.bind(this.address)) {
			await().atMost(WAIT).until(() -> this.channel.connectedPeers() == 1);
			CompletableFuture<List<byte[]>> first = request("first");
			CompletableFuture<List<byte[]>> second = request("second");
			List<byte[]> firstReceived = backend.take();
			backend.take();
			backend.send(List.of(firstReceived.get(0), firstReceived.get(1), new byte[0], new byte[2048]));
			assertThat(failure(first).getReason()).isEqualTo(ZmqSocketException.Reason.BACKEND_UNAVAILABLE);
			assertThat(failure(second).getReason()).isEqualTo(ZmqSocketException.Reason.BACKEND_UNAVAILABLE);
			await().atMost(WAIT).until(() -> this.channel.connectedPeers() == 1);
			CompletableFuture<List<byte[]>> third = request("third");
			List<byte[]> thirdReceived = backend.take();
			backend.send(List.of(thirdReceived.get(0), thirdReceived.get(1), new byte[0], bytes("fine")));
			assertThat(texts(third.get(10, TimeUnit.SECONDS))).containsExactly("fine");
		}
	}

	@Test
	void heartbeatsOfTheBackendAreAnsweredSoItKeepsTheConnection() throws Exception {
		try (ZMQ.Context context = ZMQ.context(1); ZMQ.Socket rep = context.socket(SocketType.REP);
				ZMQ.Socket monitor = context.socket(SocketType.PAIR)) {
			rep.setLinger(0);
			rep.setHeartbeatIvl(100);
			rep.setHeartbeatTimeout(1000);
			rep.monitor("inproc://heartbeat-monitor", ZMQ.EVENT_ACCEPTED | ZMQ.EVENT_DISCONNECTED);
			monitor.connect("inproc://heartbeat-monitor");
			rep.bind(this.address);
			start(options());
			await().atMost(WAIT).until(() -> this.channel.connectedPeers() == 1);
			Thread.sleep(200);
			while (ZMQ.Event.recv(monitor, ZMQ.DONTWAIT) != null) {
				// the lanes' first connections
			}
			int accepted = 0;
			int disconnected = 0;
			long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			while (System.nanoTime() < end) {
				ZMQ.Event event = ZMQ.Event.recv(monitor, ZMQ.DONTWAIT);
				if (event == null) {
					Thread.sleep(20);
				}
				else if (event.getEvent() == ZMQ.EVENT_ACCEPTED) {
					accepted++;
				}
				else {
					disconnected++;
				}
			}
			assertThat(disconnected).as("connections the backend dropped in 3 s of 100 ms heartbeats").isZero();
			assertThat(accepted).as("connections made again").isZero();
			assertThat(this.channel.connectedPeers()).isEqualTo(1);
		}
	}

	private static void answerWithHttp(ServerSocket server, AtomicInteger accepted) {
		while (!server.isClosed()) {
			try (Socket socket = server.accept()) {
				accepted.incrementAndGet();
				OutputStream out = socket.getOutputStream();
				out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".repeat(4)
					.getBytes(StandardCharsets.US_ASCII));
				out.flush();
				socket.getInputStream().read(new byte[128]);
			}
			catch (IOException ex) {
				// the next connection, or the server closed
			}
		}
	}

	private static EndpointDefinition definition(EndpointType type, boolean bind, String address) {
		return new EndpointDefinition("test", type, List.of(address), bind, SocketOptions.defaults());
	}

}
