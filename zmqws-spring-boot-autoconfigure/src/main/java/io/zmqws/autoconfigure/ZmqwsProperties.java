package io.zmqws.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.zmqws.session.OverflowPolicy;
import io.zmqws.socket.EndpointType;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for zmqws.
 */
@ConfigurationProperties("zmqws")
public class ZmqwsProperties {

	/**
	 * Named ZeroMQ endpoints that clients may open sockets on. Clients refer to them by
	 * name only; addresses never leave the server.
	 */
	private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();

	private final WebSocket websocket = new WebSocket();

	private final Sse sse = new Sse();

	private final Session session = new Session();

	private final Zmq zmq = new Zmq();

	private final Rpc rpc = new Rpc();

	private final Security security = new Security();

	private final Http2 http2 = new Http2();

	public Security getSecurity() {
		return this.security;
	}

	public Map<String, Endpoint> getEndpoints() {
		return this.endpoints;
	}

	public WebSocket getWebsocket() {
		return this.websocket;
	}

	public Sse getSse() {
		return this.sse;
	}

	public Session getSession() {
		return this.session;
	}

	public Zmq getZmq() {
		return this.zmq;
	}

	public Rpc getRpc() {
		return this.rpc;
	}

	public Http2 getHttp2() {
		return this.http2;
	}

	/**
	 * One named endpoint.
	 */
	public static class Endpoint {

		/**
		 * Kind of service behind the endpoint: REQ (request/reply to REP or ROUTER
		 * backends), SUB (subscriptions to PUB backends), PUSH (to PULL backends) or RPC
		 * (a remote service speaking the zmqws RPC envelope, called as
		 * '<endpoint>.<method>').
		 */
		private EndpointType type;

		/**
		 * ZeroMQ addresses, e.g. tcp://127.0.0.1:5555. Several addresses spread requests
		 * and pushes over the backends and merge their publications.
		 */
		private List<String> address = new ArrayList<>();

		/**
		 * Whether the gateway binds the addresses, so backends connect to it, rather than
		 * connecting to them.
		 */
		private boolean bind;

		/**
		 * How long a request may wait for its reply. Clients may ask for less, never for
		 * more.
		 */
		private Duration requestTimeout = Duration.ofSeconds(5);

		/**
		 * Requests that may await replies on this endpoint at once, across all clients.
		 */
		private int maxPendingRequests = 10_000;

		/**
		 * ZeroMQ send high-water mark, in messages.
		 */
		private int sendHighWaterMark = 1000;

		/**
		 * ZeroMQ receive high-water mark, in messages.
		 */
		private int receiveHighWaterMark = 1000;

		/**
		 * Largest message, all frames together, in either direction. Larger client
		 * messages are refused with message_too_large; a backend sending a larger one is
		 * disconnected by ZeroMQ.
		 */
		private DataSize maxMessageSize = DataSize.ofMegabytes(1);

		/**
		 * How long unsent messages are kept when the endpoint closes.
		 */
		private Duration linger = Duration.ZERO;

		/**
		 * First delay before reconnecting to a lost backend.
		 */
		private Duration reconnectInterval = Duration.ofMillis(100);

		/**
		 * Largest delay between reconnect attempts.
		 */
		private Duration reconnectIntervalMax = Duration.ofSeconds(5);

		/**
		 * Whether requests and pushes are sent only while a backend is connected. With
		 * none they fail at once with backend_unavailable (instead of waiting and reaching
		 * a backend that starts later), and losing the last backend fails the pending
		 * requests at once instead of at their timeout.
		 */
		private boolean immediate = true;

		/**
		 * Operations that may wait for the endpoint's thread; beyond it clients get
		 * overloaded.
		 */
		private int commandQueueCapacity = 10_000;

		/**
		 * How long a new backend connection may take to complete the ZeroMQ handshake
		 * before it is dropped and retried.
		 */
		private Duration handshakeTimeout = Duration.ofSeconds(5);

		public Duration getHandshakeTimeout() {
			return this.handshakeTimeout;
		}

		public void setHandshakeTimeout(Duration handshakeTimeout) {
			this.handshakeTimeout = handshakeTimeout;
		}

		/**
		 * Who may open sockets on this endpoint, as a Spring Security expression such as
		 * hasRole('TRADER'), isAuthenticated() or permitAll. With Spring Security present,
		 * an endpoint without it cannot be opened.
		 */
		private String access;

		/**
		 * Who may subscribe to which topic prefixes of a SUB endpoint, checked in order.
		 * Without any, topics follow the endpoint's access; with some, a topic no rule
		 * covers is denied.
		 */
		private List<TopicRule> topics = new ArrayList<>();

		public String getAccess() {
			return this.access;
		}

		public void setAccess(String access) {
			this.access = access;
		}

		public List<TopicRule> getTopics() {
			return this.topics;
		}

		public void setTopics(List<TopicRule> topics) {
			this.topics = topics;
		}

		public EndpointType getType() {
			return this.type;
		}

		public void setType(EndpointType type) {
			this.type = type;
		}

		public List<String> getAddress() {
			return this.address;
		}

		public void setAddress(List<String> address) {
			this.address = address;
		}

		public boolean isBind() {
			return this.bind;
		}

		public void setBind(boolean bind) {
			this.bind = bind;
		}

		public Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		public void setRequestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
		}

		public int getMaxPendingRequests() {
			return this.maxPendingRequests;
		}

		public void setMaxPendingRequests(int maxPendingRequests) {
			this.maxPendingRequests = maxPendingRequests;
		}

		public int getSendHighWaterMark() {
			return this.sendHighWaterMark;
		}

		public void setSendHighWaterMark(int sendHighWaterMark) {
			this.sendHighWaterMark = sendHighWaterMark;
		}

		public int getReceiveHighWaterMark() {
			return this.receiveHighWaterMark;
		}

		public void setReceiveHighWaterMark(int receiveHighWaterMark) {
			this.receiveHighWaterMark = receiveHighWaterMark;
		}

		public DataSize getMaxMessageSize() {
			return this.maxMessageSize;
		}

		public void setMaxMessageSize(DataSize maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
		}

		public Duration getLinger() {
			return this.linger;
		}

		public void setLinger(Duration linger) {
			this.linger = linger;
		}

		public Duration getReconnectInterval() {
			return this.reconnectInterval;
		}

		public void setReconnectInterval(Duration reconnectInterval) {
			this.reconnectInterval = reconnectInterval;
		}

		public Duration getReconnectIntervalMax() {
			return this.reconnectIntervalMax;
		}

		public void setReconnectIntervalMax(Duration reconnectIntervalMax) {
			this.reconnectIntervalMax = reconnectIntervalMax;
		}

		public boolean isImmediate() {
			return this.immediate;
		}

		public void setImmediate(boolean immediate) {
			this.immediate = immediate;
		}

		public int getCommandQueueCapacity() {
			return this.commandQueueCapacity;
		}

		public void setCommandQueueCapacity(int commandQueueCapacity) {
			this.commandQueueCapacity = commandQueueCapacity;
		}

	}

	/**
	 * Access to the topics starting with a prefix.
	 */
	public static class TopicRule {

		/**
		 * Topic prefix the rule covers; empty covers every topic.
		 */
		private String prefix = "";

		/**
		 * Who may subscribe, as a Spring Security expression.
		 */
		private String access;

		public String getPrefix() {
			return this.prefix;
		}

		public void setPrefix(String prefix) {
			this.prefix = prefix;
		}

		public String getAccess() {
			return this.access;
		}

		public void setAccess(String access) {
			this.access = access;
		}

	}

	/**
	 * Access to the paths or RPC methods matching a pattern.
	 */
	public static class PatternRule {

		/**
		 * Pattern: for paths an Ant-style pattern such as /rooms/**, for methods one such
		 * as calc.* or *.*.
		 */
		private String pattern;

		/**
		 * Who may subscribe or call, as a Spring Security expression.
		 */
		private String access;

		public String getPattern() {
			return this.pattern;
		}

		public void setPattern(String pattern) {
			this.pattern = pattern;
		}

		public String getAccess() {
			return this.access;
		}

		public void setAccess(String access) {
			this.access = access;
		}

	}

	/**
	 * Authorization rules beyond endpoints (used with Spring Security).
	 */
	public static class Security {

		/**
		 * Who may subscribe to server-side events under which paths, checked in order.
		 */
		private List<PatternRule> paths = new ArrayList<>();

		/**
		 * Who may call which RPC methods, checked in order.
		 */
		private List<PatternRule> methods = new ArrayList<>();

		/**
		 * How long a connection keeps an event guard's answer before asking again.
		 * Re-authenticating clears it.
		 */
		private Duration guardCacheTtl = Duration.ofSeconds(30);

		public Duration getGuardCacheTtl() {
			return this.guardCacheTtl;
		}

		public void setGuardCacheTtl(Duration guardCacheTtl) {
			this.guardCacheTtl = guardCacheTtl;
		}

		public List<PatternRule> getPaths() {
			return this.paths;
		}

		public void setPaths(List<PatternRule> paths) {
			this.paths = paths;
		}

		public List<PatternRule> getMethods() {
			return this.methods;
		}

		public void setMethods(List<PatternRule> methods) {
			this.methods = methods;
		}

	}

	/**
	 * The WebSocket endpoint.
	 */
	public static class WebSocket {

		/**
		 * Path of the WebSocket endpoint.
		 */
		private String path = "/zmqws";

		/**
		 * Largest WebSocket message a client may send; larger ones close the connection
		 * with 1009.
		 */
		private DataSize maxFrameSize = DataSize.ofMegabytes(2);

		/**
		 * Origins, besides the page's own, whose pages may open the WebSocket, as patterns
		 * such as https://*.example.com ('*' allows any). Handshakes from other origins get
		 * 403.
		 */
		private List<String> allowedOrigins = new ArrayList<>();

		/**
		 * How often the server pings each client. Zero: never.
		 */
		private Duration pingInterval = Duration.ofSeconds(25);

		/**
		 * How long a connection may stay silent (no message, no pong) before it is closed
		 * with 1001. Zero: forever.
		 */
		private Duration idleTimeout = Duration.ofSeconds(60);

		public Duration getPingInterval() {
			return this.pingInterval;
		}

		public void setPingInterval(Duration pingInterval) {
			this.pingInterval = pingInterval;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public List<String> getAllowedOrigins() {
			return this.allowedOrigins;
		}

		public void setAllowedOrigins(List<String> allowedOrigins) {
			this.allowedOrigins = allowedOrigins;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public DataSize getMaxFrameSize() {
			return this.maxFrameSize;
		}

		public void setMaxFrameSize(DataSize maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
		}

	}

	/**
	 * The HTTP fallback for networks that block WebSockets: an event stream at
	 * {websocket.path}/sse for server messages and POST requests for client messages.
	 */
	public static class Sse {

		/**
		 * Whether the HTTP fallback is served.
		 */
		private boolean enabled = true;

		/**
		 * How long a session waits for its client to reconnect after the event stream
		 * breaks before it ends.
		 */
		private Duration resumeTimeout = Duration.ofSeconds(15);

		/**
		 * How many sent events each session keeps so that a reconnecting client gets what
		 * it missed.
		 */
		private int replaySize = 256;

		/**
		 * Largest POST body (a batch of client messages); larger ones get 413.
		 */
		private DataSize maxBatchSize = DataSize.ofMegabytes(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getResumeTimeout() {
			return this.resumeTimeout;
		}

		public void setResumeTimeout(Duration resumeTimeout) {
			this.resumeTimeout = resumeTimeout;
		}

		public int getReplaySize() {
			return this.replaySize;
		}

		public void setReplaySize(int replaySize) {
			this.replaySize = replaySize;
		}

		public DataSize getMaxBatchSize() {
			return this.maxBatchSize;
		}

		public void setMaxBatchSize(DataSize maxBatchSize) {
			this.maxBatchSize = maxBatchSize;
		}

	}

	/**
	 * Limits and policies of one client connection.
	 */
	public static class Session {

		/**
		 * Virtual sockets a connection may have open at once.
		 */
		private int maxSockets = 64;

		/**
		 * Topic subscriptions a connection may hold across its sockets.
		 */
		private int maxSubscriptions = 256;

		/**
		 * Requests a connection may have awaiting replies at once.
		 */
		private int maxPendingRequests = 1024;

		/**
		 * Messages queued for a client that reads slowly before the overflow policy
		 * applies.
		 */
		private int outboundCapacity = 1024;

		/**
		 * What happens when a client's outbound queue is full: DROP_OLDEST drops the
		 * oldest published message and reports the count; CLOSE closes the connection
		 * with 1008.
		 */
		private OverflowPolicy overflowPolicy = OverflowPolicy.DROP_OLDEST;

		/**
		 * Browser functions a connection may register for server-to-browser calls.
		 */
		private int maxFunctions = 64;

		/**
		 * Inbound messages a connection may send per second, bursts included. Beyond it
		 * messages are dropped with rate_limited; at twice the rate for a second the
		 * connection is closed with 1008. Zero: no limit.
		 */
		private int maxMessagesPerSecond = 1000;

		/**
		 * Connections one authenticated user may hold at once; more are closed with 1008.
		 */
		private int maxConnectionsPerUser = 32;

		public int getMaxMessagesPerSecond() {
			return this.maxMessagesPerSecond;
		}

		public void setMaxMessagesPerSecond(int maxMessagesPerSecond) {
			this.maxMessagesPerSecond = maxMessagesPerSecond;
		}

		public int getMaxConnectionsPerUser() {
			return this.maxConnectionsPerUser;
		}

		public void setMaxConnectionsPerUser(int maxConnectionsPerUser) {
			this.maxConnectionsPerUser = maxConnectionsPerUser;
		}

		public int getMaxFunctions() {
			return this.maxFunctions;
		}

		public void setMaxFunctions(int maxFunctions) {
			this.maxFunctions = maxFunctions;
		}

		public int getMaxSockets() {
			return this.maxSockets;
		}

		public void setMaxSockets(int maxSockets) {
			this.maxSockets = maxSockets;
		}

		public int getMaxSubscriptions() {
			return this.maxSubscriptions;
		}

		public void setMaxSubscriptions(int maxSubscriptions) {
			this.maxSubscriptions = maxSubscriptions;
		}

		public int getMaxPendingRequests() {
			return this.maxPendingRequests;
		}

		public void setMaxPendingRequests(int maxPendingRequests) {
			this.maxPendingRequests = maxPendingRequests;
		}

		public int getOutboundCapacity() {
			return this.outboundCapacity;
		}

		public void setOutboundCapacity(int outboundCapacity) {
			this.outboundCapacity = outboundCapacity;
		}

		public OverflowPolicy getOverflowPolicy() {
			return this.overflowPolicy;
		}

		public void setOverflowPolicy(OverflowPolicy overflowPolicy) {
			this.overflowPolicy = overflowPolicy;
		}

	}

	/**
	 * The shared ZeroMQ context.
	 */
	public static class Zmq {

		/**
		 * ZeroMQ I/O threads.
		 */
		private int ioThreads = 1;

		/**
		 * How long an endpoint may take to bind or connect at start-up.
		 */
		private Duration startTimeout = Duration.ofSeconds(10);

		/**
		 * How long an endpoint may take to close its socket at shutdown.
		 */
		private Duration stopTimeout = Duration.ofSeconds(5);

		/**
		 * What carries REQ and RPC endpoints that connect to tcp:// addresses: zmqws's own
		 * ZMTP 3.0 client on the web server's Netty event loops, or a JeroMQ DEALER on a
		 * thread of its own. Binding endpoints, and every endpoint without Netty on the
		 * class path, use JeroMQ.
		 */
		private RequestEngine requestEngine = RequestEngine.ZMTP;

		public int getIoThreads() {
			return this.ioThreads;
		}

		public void setIoThreads(int ioThreads) {
			this.ioThreads = ioThreads;
		}

		public Duration getStartTimeout() {
			return this.startTimeout;
		}

		public void setStartTimeout(Duration startTimeout) {
			this.startTimeout = startTimeout;
		}

		public Duration getStopTimeout() {
			return this.stopTimeout;
		}

		public void setStopTimeout(Duration stopTimeout) {
			this.stopTimeout = stopTimeout;
		}

		public RequestEngine getRequestEngine() {
			return this.requestEngine;
		}

		public void setRequestEngine(RequestEngine requestEngine) {
			this.requestEngine = requestEngine;
		}

	}

	/**
	 * What carries connecting REQ and RPC endpoints.
	 */
	public enum RequestEngine {

		/** zmqws's own ZMTP client on Netty event loops. */
		ZMTP,

		/** A JeroMQ DEALER socket on a thread of its own. */
		JEROMQ

	}

	/**
	 * RPC to {@code @ZmqRpc} beans.
	 */
	public static class Rpc {

		/**
		 * How long a call may take unless its method sets its own timeout. Clients may ask
		 * for less. Streaming calls have no timeout unless their method sets one.
		 */
		private Duration timeout = Duration.ofSeconds(30);

		/**
		 * Threads that run methods which may block (all but those returning Mono or Flux).
		 */
		private int threads = 10 * Runtime.getRuntime().availableProcessors();

		/**
		 * Calls that may wait for a thread; beyond it callers get overloaded.
		 */
		private int queueCapacity = 10_000;

		/**
		 * Addresses on which a ROUTER socket serves the @ZmqRpc methods to ZeroMQ clients,
		 * e.g. tcp://127.0.0.1:6000. Empty: not served over ZeroMQ.
		 */
		private List<String> bind = new ArrayList<>();

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public int getThreads() {
			return this.threads;
		}

		public void setThreads(int threads) {
			this.threads = threads;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

		public List<String> getBind() {
			return this.bind;
		}

		public void setBind(List<String> bind) {
			this.bind = bind;
		}

	}

	/**
	 * What the gateway adds to HTTP/2, which Spring Boot switches on with
	 * server.http2.enabled.
	 */
	public static class Http2 {

		/**
		 * Whether WebSockets may run over HTTP/2 streams (RFC 8441 extended CONNECT) when
		 * server.http2.enabled is on. Off: the server does not advertise it, and browsers
		 * open their WebSockets over a separate HTTP/1.1 connection.
		 */
		private boolean websocket = true;

		public boolean isWebsocket() {
			return this.websocket;
		}

		public void setWebsocket(boolean websocket) {
			this.websocket = websocket;
		}

	}

}
