/*!
 * zmqws browser client, version 0.1.0
 * Speaks protocol zmqws.v1.json to a zmqws gateway: request/reply, subscriptions, push,
 * RPC (plain, streaming, cancellable), server-to-browser calls, path events, token
 * authentication, automatic reconnect with restore, and compatibility layers for
 * ZmqWebBridge- and Zephserver-style code. No dependencies; an ES module.
 * Served by the gateway at {zmqws.websocket.path}/client.js, e.g. /zmqws/client.js.
 * Documentation: docs/javascript-client.md
 */

/** The version of this client. */
export const VERSION = '0.1.0';

/** The WebSocket subprotocol this client speaks. */
export const PROTOCOL = 'zmqws.v1.json';

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/**
 * An error reported by the gateway, an RPC method or the client itself. `code` is the
 * protocol's stable error code (e.g. `timeout`, `forbidden`, `backend_unavailable`, or a
 * code an RPC method chose); switch on it, `message` is for people.
 */
export class ZmqwsError extends Error {
	/**
	 * @param {string} code the error code
	 * @param {string} message a message for people
	 * @param {{failedOp?: string, sid?: number, id?: number, cause?: unknown}} [details]
	 */
	constructor(code, message, details = {}) {
		super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
		this.name = 'ZmqwsError';
		/** @type {string} */
		this.code = code;
		/** @type {string | undefined} */
		this.failedOp = details.failedOp;
		/** @type {number | undefined} */
		this.sid = details.sid;
		/** @type {number | undefined} */
		this.id = details.id;
	}
}

/** A request or call did not finish in time (code `timeout`). */
export class TimeoutError extends ZmqwsError {
	constructor(message, details) {
		super('timeout', message, details);
		this.name = 'TimeoutError';
	}
}

/** The caller may not do this (code `forbidden`). */
export class ForbiddenError extends ZmqwsError {
	constructor(message, details) {
		super('forbidden', message, details);
		this.name = 'ForbiddenError';
	}
}

/** The token was refused (code `unauthenticated`). */
export class UnauthenticatedError extends ZmqwsError {
	constructor(message, details) {
		super('unauthenticated', message, details);
		this.name = 'UnauthenticatedError';
	}
}

/** The connection ended before an answer came, or is closed (code `disconnected`). */
export class DisconnectedError extends ZmqwsError {
	constructor(message, details) {
		super('disconnected', message, details);
		this.name = 'DisconnectedError';
	}
}

/** The offline send queue is full (code `queue_full`). */
export class QueueFullError extends ZmqwsError {
	constructor(message, details) {
		super('queue_full', message, details);
		this.name = 'QueueFullError';
	}
}

/** The caller aborted the operation through its `AbortSignal` (code `aborted`). */
export class AbortedError extends ZmqwsError {
	constructor(message, details) {
		super('aborted', message, details);
		this.name = 'AbortError';
	}
}

const ERROR_TYPES = {
	timeout: TimeoutError,
	forbidden: ForbiddenError,
	unauthenticated: UnauthenticatedError,
	disconnected: DisconnectedError,
	queue_full: QueueFullError,
	aborted: AbortedError,
};

/**
 * Turns an `error` message of the protocol into the matching error class.
 * @param {{code?: string, message?: string, failedOp?: string, sid?: number, id?: number}} message
 * @returns {ZmqwsError}
 */
export function errorFromMessage(message) {
	const code = typeof message.code === 'string' ? message.code : 'internal';
	const text = typeof message.message === 'string' ? message.message : code;
	const details = { failedOp: message.failedOp, sid: message.sid, id: message.id };
	const Type = ERROR_TYPES[code];
	return Type ? new Type(text, details) : new ZmqwsError(code, text, details);
}

// ---------------------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------------------

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * Encodes bytes as standard base64 with padding.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function toBase64(bytes) {
	let binary = '';
	for (let i = 0; i < bytes.length; i += 0x8000) {
		binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
	}
	return btoa(binary);
}

/**
 * Decodes standard base64 (padding optional).
 * @param {string} text
 * @returns {Uint8Array}
 */
export function fromBase64(text) {
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) {
		bytes[i] = binary.charCodeAt(i);
	}
	return bytes;
}

function asBytes(value) {
	if (value instanceof Uint8Array) {
		return value;
	}
	if (value instanceof ArrayBuffer) {
		return new Uint8Array(value);
	}
	if (ArrayBuffer.isView(value)) {
		return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
	}
	return null;
}

/**
 * Encodes one frame for the wire: a string stays a string (sent as UTF-8), bytes
 * (`Uint8Array`, any typed array, `ArrayBuffer`) become `{base64: "..."}`.
 * @param {string | Uint8Array | ArrayBuffer | ArrayBufferView} frame
 * @returns {string | {base64: string}}
 */
export function encodeFrame(frame) {
	if (typeof frame === 'string') {
		return frame;
	}
	const bytes = asBytes(frame);
	if (bytes === null) {
		throw new TypeError('A frame must be a string, a Uint8Array, an ArrayBuffer or a typed array');
	}
	return { base64: toBase64(bytes) };
}

/**
 * Decodes one frame from the wire: a string stays a string, `{base64}` becomes a
 * `Uint8Array`.
 * @param {string | {base64: string}} frame
 * @returns {string | Uint8Array}
 */
export function decodeFrame(frame) {
	if (typeof frame === 'string') {
		return frame;
	}
	if (frame !== null && typeof frame === 'object' && typeof frame.base64 === 'string') {
		return fromBase64(frame.base64);
	}
	throw new TypeError('Not a frame: ' + JSON.stringify(frame));
}

/**
 * Encodes a message: a single frame, or an array of frames (at least one).
 * @param {Frame | Frame[]} message
 * @returns {Array<string | {base64: string}>}
 */
export function encodeMessage(message) {
	const frames = Array.isArray(message) ? message : [message];
	if (frames.length === 0) {
		throw new TypeError('A message needs at least one frame');
	}
	return frames.map(encodeFrame);
}

/**
 * The bytes of a frame: the UTF-8 encoding of a string, or the bytes themselves.
 * @param {Frame} frame
 * @returns {Uint8Array}
 */
export function frameBytes(frame) {
	if (typeof frame === 'string') {
		return utf8Encoder.encode(frame);
	}
	const bytes = asBytes(frame);
	if (bytes === null) {
		throw new TypeError('Not a frame');
	}
	return bytes;
}

/**
 * The text of a frame: a string as it is, bytes decoded as UTF-8.
 * @param {Frame} frame
 * @returns {string}
 */
export function frameText(frame) {
	return typeof frame === 'string' ? frame : utf8Decoder.decode(frameBytes(frame));
}

function startsWithBytes(bytes, prefix) {
	if (prefix.length > bytes.length) {
		return false;
	}
	for (let i = 0; i < prefix.length; i++) {
		if (bytes[i] !== prefix[i]) {
			return false;
		}
	}
	return true;
}

function topicKey(topic) {
	return toBase64(frameBytes(topic));
}

/** Whether an event published to `eventPath` reaches a subscription to `path`. */
function pathCovers(path, eventPath) {
	return path === eventPath || path === '/' || eventPath.startsWith(path + '/');
}

function checkPath(path) {
	if (typeof path !== 'string' || !path.startsWith('/') || path.includes('//')
			|| (path.length > 1 && path.endsWith('/'))) {
		throw new TypeError(`Invalid path '${path}': it must start with '/', have no empty segment and not end with '/'`);
	}
}

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

function noop() {
}

/** A promise with its settle functions; rejections are never reported as unhandled. */
function deferred() {
	let resolve;
	let reject;
	const promise = new Promise((res, rej) => {
		resolve = res;
		reject = rej;
	});
	promise.catch(noop);
	return { promise, resolve, reject };
}

function report(error) {
	if (typeof globalThis.reportError === 'function') {
		globalThis.reportError(error);
	}
	else if (typeof console !== 'undefined') {
		console.error(error);
	}
}

function messageOf(error) {
	if (error instanceof Error) {
		return error.message || error.name;
	}
	return String(error);
}

function abortedBy(signal) {
	const reason = signal.reason;
	return new AbortedError(reason instanceof Error && reason.message ? reason.message : 'The operation was aborted',
		{ cause: reason });
}

/** A minimal event emitter. */
class Emitter {
	#handlers = new Map();

	/**
	 * Calls `handler` on every `type` event.
	 * @returns {() => void} a function that removes the handler
	 */
	on(type, handler) {
		if (!this.#handlers.has(type)) {
			this.#handlers.set(type, new Set());
		}
		this.#handlers.get(type).add(handler);
		return () => this.off(type, handler);
	}

	/** Calls `handler` on the next `type` event only. */
	once(type, handler) {
		const off = this.on(type, (...args) => {
			off();
			handler(...args);
		});
		return off;
	}

	/** Removes a handler added with `on`. */
	off(type, handler) {
		this.#handlers.get(type)?.delete(handler);
	}

	/** @protected */
	emit(type, ...args) {
		const handlers = this.#handlers.get(type);
		if (!handlers) {
			return;
		}
		for (const handler of [...handlers]) {
			try {
				handler(...args);
			}
			catch (error) {
				report(error);
			}
		}
	}
}

// ---------------------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------------------

const RECONNECT_DEFAULTS = Object.freeze({ initialDelay: 500, maxDelay: 15000, factor: 2, jitter: 0.5,
	maxAttempts: Infinity });

const MAX_TIMER = 2147483647;

function defaultUrl() {
	const location = globalThis.location;
	if (!location || !location.host) {
		throw new TypeError('connect() needs a URL outside a browser page');
	}
	return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/zmqws';
}

function resolveUrl(url) {
	if (url === undefined || url === null || url === '') {
		return defaultUrl();
	}
	let text = String(url);
	if (/^https?:/i.test(text)) {
		return text.replace(/^http/i, 'ws');
	}
	if (!/^wss?:/i.test(text)) {
		const location = globalThis.location;
		if (!location || !location.host) {
			throw new TypeError(`Cannot resolve '${text}' outside a browser page`);
		}
		const base = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host;
		text = new URL(text, base + (location.pathname || '/')).href;
	}
	return text;
}

/** A subscription to a topic of a SUB endpoint, or to a path. */
export class Subscription {
	#unsubscribe;

	/** @internal */
	constructor(target, topic, handler, ready, unsubscribe) {
		/** The endpoint name, or the path for a path subscription. */
		this.target = target;
		/** The function messages or events are given to. @type {Function | null} */
		this.handler = handler;
		/** The topic prefix, or `undefined` for a path subscription. */
		this.topic = topic;
		/**
		 * Resolves once the gateway confirmed the subscription; rejects with its error (the
		 * subscription is then void).
		 * @type {Promise<void>}
		 */
		this.ready = ready;
		this.#unsubscribe = unsubscribe;
		/** Whether the subscription still delivers. */
		this.active = true;
	}

	/** Stops delivery; the gateway is told once the last handler for the topic or path is gone. */
	unsubscribe() {
		if (this.active) {
			this.active = false;
			this.#unsubscribe(this);
		}
	}
}

/** A browser function registered for the server to call. */
export class Registration {
	#unregister;

	/** @internal */
	constructor(name, ready, unregister) {
		/** The function's name. */
		this.name = name;
		/** Resolves once the gateway confirmed the registration. @type {Promise<void>} */
		this.ready = ready;
		this.#unregister = unregister;
		this.active = true;
	}

	/** Withdraws the function. */
	unregister() {
		if (this.active) {
			this.active = false;
			this.#unregister(this);
		}
	}
}

/**
 * The items of a streaming call, as an async iterator. Leaving a `for await` loop early
 * (or calling `return()` or `cancel()`) cancels the call on the server.
 */
export class CallStream {
	#items = [];
	#waiters = [];
	#finished = false;
	#error = null;
	#cancel;

	/** @internal */
	constructor(cancel) {
		this.#cancel = cancel;
	}

	/** @internal */
	push(value) {
		if (this.#finished) {
			return;
		}
		const waiter = this.#waiters.shift();
		if (waiter) {
			waiter.resolve({ value, done: false });
		}
		else {
			this.#items.push(value);
		}
	}

	/** @internal */
	end(error) {
		if (this.#finished) {
			return;
		}
		this.#finished = true;
		this.#error = error ?? null;
		for (const waiter of this.#waiters.splice(0)) {
			if (error) {
				waiter.reject(error);
			}
			else {
				waiter.resolve({ value: undefined, done: true });
			}
		}
	}

	/** @returns {Promise<IteratorResult<unknown>>} */
	next() {
		if (this.#items.length > 0) {
			return Promise.resolve({ value: this.#items.shift(), done: false });
		}
		if (this.#finished) {
			if (this.#error) {
				const error = this.#error;
				this.#error = null;
				return Promise.reject(error);
			}
			return Promise.resolve({ value: undefined, done: true });
		}
		return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
	}

	/** Cancels the call and ends the iteration. */
	return(value) {
		this.cancel();
		return Promise.resolve({ value, done: true });
	}

	/** Cancels the call and ends the iteration. */
	throw(error) {
		this.cancel();
		return Promise.reject(error);
	}

	/** Cancels the call (sends `cancel` if it is running); items not read yet are dropped. */
	cancel() {
		if (!this.#finished) {
			this.#cancel();
			this.#items = [];
			this.end();
		}
	}

	[Symbol.asyncIterator]() {
		return this;
	}
}

/**
 * One connection to a zmqws gateway, kept alive across network failures and server
 * restarts. Create it with {@link connect}.
 *
 * Events (subscribe with `on(type, handler)`): `state` (state, previous, details),
 * `connecting`, `open`, `reconnecting` (details: attempt, delay, code, reason),
 * `closed`, `welcome` (the welcome message), `authenticated` ({user, expiresAt}),
 * `authfailed` (error), `error` (errors no operation claims, e.g. a failed
 * subscription), `dropped` (count of published messages lost for a slow reader).
 */
export class Connection extends Emitter {
	/** @type {string} */
	url;
	/** @type {'connecting' | 'open' | 'reconnecting' | 'closed'} */
	state = 'connecting';
	/** The gateway's session id of the current connection, or null. @type {string | null} */
	session = null;
	/** The limits announced by the gateway, or null. */
	limits = null;
	/** The authenticated user, or null. @type {string | null} */
	user = null;
	/** When the authentication expires (ms since the epoch), or null. @type {number | null} */
	expiresAt = null;
	/** Successful connections so far (the first included). */
	connectCount = 0;

	#WebSocket;
	#timers;
	#random;
	#now;
	#reconnect;
	#maxQueue;
	#handshakeTimeout;
	#authRefreshMargin;
	#token;

	#ws = null;
	#generation = 0;
	#online = false;
	#closedByUser = false;
	#attempt = 0;
	#reconnectTimer = null;
	#handshakeTimer = null;
	#refreshTimer = null;
	#authWaiter = null;
	#authChain = Promise.resolve();

	#nextId = 1;
	#nextSid = 1;
	/** Operations by id: requests, pushes, calls, pings. */
	#pending = new Map();
	/** `methods` operations, answered in order. */
	#methodWaiters = [];
	/** Operations waiting for the connection, in order. */
	#queue = [];
	/** Virtual sockets by `${type} ${endpoint}`, and by sid. */
	#sockets = new Map();
	#socketsBySid = new Map();
	/** Path subscriptions by path, and those awaiting `subscribed`, in order. */
	#paths = new Map();
	#pathsSubscribing = [];
	/** Registered functions by name, and those awaiting `registered`, in order. */
	#functions = new Map();
	#registering = [];

	/**
	 * @param {string} [url] defaults to the page's origin and `/zmqws`
	 * @param {ConnectOptions} [options]
	 */
	constructor(url, options = {}) {
		super();
		this.url = resolveUrl(url);
		this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
		if (typeof this.#WebSocket !== 'function') {
			throw new TypeError('No WebSocket implementation: pass options.WebSocket');
		}
		this.#timers = {
			setTimeout: options.timers?.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms)),
			clearTimeout: options.timers?.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle)),
		};
		this.#random = options.random ?? Math.random;
		this.#now = options.now ?? Date.now;
		this.#reconnect = options.reconnect === false ? null : { ...RECONNECT_DEFAULTS, ...(options.reconnect ?? {}) };
		this.#maxQueue = options.maxQueue ?? 100;
		this.#handshakeTimeout = options.handshakeTimeout ?? 10000;
		this.#authRefreshMargin = options.authRefreshMargin ?? 30000;
		this.#token = options.token ?? null;
		this.#open();
		// listeners added right after connect() still hear that the first connection starts
		queueMicrotask(() => {
			if (this.state === 'connecting') {
				this.emit('connecting', {});
			}
		});
	}

	/** Whether operations go out at once (the connection is open). */
	get online() {
		return this.#online;
	}

	/** Operations waiting in the offline queue. */
	get queued() {
		return this.#queue.length;
	}

	/**
	 * Resolves when the connection is open (at once if it is); rejects if it is closed.
	 * @returns {Promise<void>}
	 */
	opened() {
		if (this.state === 'open') {
			return Promise.resolve();
		}
		if (this.state === 'closed') {
			return Promise.reject(new DisconnectedError('The connection is closed'));
		}
		return new Promise((resolve, reject) => {
			const offOpen = this.once('open', () => {
				offClosed();
				resolve();
			});
			const offClosed = this.once('closed', () => {
				offOpen();
				reject(new DisconnectedError('The connection is closed'));
			});
		});
	}

	// --- request / reply, push -----------------------------------------------------------

	/**
	 * Sends a request to a REQ endpoint and resolves with the reply's frames (strings, or
	 * `Uint8Array`s for frames that are not UTF-8). One virtual socket per endpoint is
	 * opened on first use and reused; many requests may be in flight.
	 * @param {string} endpoint
	 * @param {Frame | Frame[]} message
	 * @param {{timeout?: number, signal?: AbortSignal}} [options]
	 * @returns {Promise<Array<string | Uint8Array>>}
	 */
	request(endpoint, message, options = {}) {
		return this.#socketOperation('REQ', endpoint, 'request', message, options, (reply) => reply.frames.map(decodeFrame));
	}

	/**
	 * Sends a message to a PUSH endpoint; resolves once the gateway handed it to ZeroMQ.
	 * @param {string} endpoint
	 * @param {Frame | Frame[]} message
	 * @param {{signal?: AbortSignal}} [options]
	 * @returns {Promise<void>}
	 */
	push(endpoint, message, options = {}) {
		return this.#socketOperation('PUSH', endpoint, 'push', message, options, () => undefined);
	}

	#socketOperation(type, endpoint, op, message, options, resultOf) {
		let frames;
		try {
			checkName(endpoint, 'endpoint');
			frames = encodeMessage(message);
		}
		catch (error) {
			return Promise.reject(error);
		}
		const socket = this.#socket(type, endpoint);
		const id = this.#nextId++;
		const wire = { op, sid: socket.sid, id, frames };
		if (options.timeout !== undefined) {
			wire.timeout = Math.max(1, Math.round(options.timeout));
		}
		return this.#operation(wire, options.signal, (entry) => {
			entry.sid = socket.sid;
			entry.onMessage = (answer) => entry.resolve(resultOf(answer));
		}, () => this.#ensureSocket(socket));
	}

	// --- subscriptions ---------------------------------------------------------------------

	/**
	 * Subscribes to a topic prefix of a SUB endpoint, or to events of a path.
	 *
	 * `subscribe(endpoint, topic, handler)` calls `handler(frames, info)` for every message
	 * whose first frame starts with `topic` (`''` for all; `subscribe(endpoint, handler)`
	 * means that); `info` holds `endpoint`, `topic` and `dropped`.
	 *
	 * `subscribe(path, handler)`, with a path starting with `/`, calls `handler(data, path)`
	 * for every event the server publishes to the path or below it.
	 * @returns {Subscription}
	 */
	subscribe(target, topicOrHandler, handler) {
		if (typeof target === 'string' && target.startsWith('/')) {
			return this.#subscribePath(target, topicOrHandler);
		}
		if (typeof topicOrHandler === 'function' && handler === undefined) {
			return this.#subscribeTopic(target, '', topicOrHandler);
		}
		return this.#subscribeTopic(target, topicOrHandler, handler);
	}

	#subscribeTopic(endpoint, topic, handler) {
		checkName(endpoint, 'endpoint');
		if (typeof handler !== 'function') {
			throw new TypeError('subscribe() needs a handler function');
		}
		const key = topicKey(topic);
		const socket = this.#socket('SUB', endpoint);
		let entry = socket.topics.get(key);
		if (!entry) {
			entry = { key, topic, bytes: frameBytes(topic), subscriptions: new Set(), ready: deferred(), confirmed: false };
			socket.topics.set(key, entry);
			if (this.#online) {
				this.#ensureSocket(socket);
				this.#sendSubscribe(socket, entry);
			}
		}
		const subscription = new Subscription(endpoint, topic, handler, entry.ready.promise, (gone) => {
			gone.handler = null;
			entry.subscriptions.delete(gone);
			if (entry.subscriptions.size === 0 && socket.topics.get(key) === entry) {
				socket.topics.delete(key);
				if (this.#online && socket.status !== 'new') {
					this.#send({ op: 'unsubscribe', sid: socket.sid, topic: encodeFrame(topic) });
				}
			}
		});
		entry.subscriptions.add(subscription);
		return subscription;
	}

	#sendSubscribe(socket, entry) {
		socket.subscribing.push(entry);
		this.#send({ op: 'subscribe', sid: socket.sid, topic: encodeFrame(entry.topic) });
	}

	#subscribePath(path, handler) {
		checkPath(path);
		if (typeof handler !== 'function') {
			throw new TypeError('subscribe() needs a handler function');
		}
		let entry = this.#paths.get(path);
		if (!entry) {
			entry = { path, subscriptions: new Set(), ready: deferred() };
			this.#paths.set(path, entry);
			if (this.#online) {
				this.#sendPathSubscribe(entry);
			}
		}
		const subscription = new Subscription(path, undefined, handler, entry.ready.promise, (gone) => {
			gone.handler = null;
			entry.subscriptions.delete(gone);
			if (entry.subscriptions.size === 0 && this.#paths.get(path) === entry) {
				this.#paths.delete(path);
				if (this.#online) {
					this.#send({ op: 'unsubscribe', path });
				}
			}
		});
		entry.subscriptions.add(subscription);
		return subscription;
	}

	#sendPathSubscribe(entry) {
		this.#pathsSubscribing.push(entry);
		this.#send({ op: 'subscribe', path: entry.path });
	}

	// --- RPC -------------------------------------------------------------------------------

	/**
	 * Calls an RPC method (`service.method`) and resolves with its result. A streaming
	 * method's items are collected into an array. Aborting `signal` cancels the call.
	 * @param {string} method
	 * @param {unknown[]} [args] positional arguments
	 * @param {Record<string, unknown>} [kwargs] keyword arguments
	 * @param {{timeout?: number, signal?: AbortSignal}} [options]
	 * @returns {Promise<unknown>}
	 */
	rpc(method, args, kwargs, options = {}) {
		let wire;
		try {
			wire = callMessage(this.#nextId++, method, args, kwargs, options);
		}
		catch (error) {
			return Promise.reject(error);
		}
		return this.#operation(wire, options.signal, (entry) => {
			let items = null;
			entry.cancellable = true;
			entry.onMessage = (answer) => {
				if (answer.op === 'result') {
					entry.resolve(answer.value);
				}
				else if (answer.op === 'item') {
					(items ??= []).push(answer.value);
					return false;
				}
				else {
					entry.resolve(items ?? []);
				}
				return true;
			};
		});
	}

	/**
	 * Calls a streaming RPC method and returns its items as an async iterator:
	 * `for await (const item of connection.stream('calc.countdown', [5])) { ... }`.
	 * Leaving the loop early, `return()`, `cancel()` or aborting `signal` cancels the call.
	 * A failure is thrown from the loop.
	 * @returns {CallStream}
	 */
	stream(method, args, kwargs, options = {}) {
		const id = this.#nextId++;
		let entry = null;
		const stream = new CallStream(() => {
			if (entry && this.#pending.get(id) === entry) {
				this.#cancelOperation(entry);
			}
		});
		let wire;
		try {
			wire = callMessage(id, method, args, kwargs, options);
		}
		catch (error) {
			stream.end(error);
			return stream;
		}
		const done = this.#operation(wire, options.signal, (created) => {
			entry = created;
			entry.cancellable = true;
			entry.onMessage = (answer) => {
				if (answer.op === 'item') {
					stream.push(answer.value);
					return false;
				}
				if (answer.op === 'result') {
					stream.push(answer.value);
				}
				entry.resolve();
				return true;
			};
		});
		done.then(() => stream.end(), (error) => stream.end(error));
		return stream;
	}

	/**
	 * Lists the RPC methods the caller may call.
	 * @returns {Promise<Array<{name: string, params: string[], streaming: boolean}>>}
	 */
	methods() {
		return new Promise((resolve, reject) => {
			const entry = { resolve, reject, sent: false, message: { op: 'methods' }, methods: true };
			this.#enqueue(entry);
		});
	}

	/**
	 * Sends an application-level ping; resolves with the round trip in milliseconds.
	 * @returns {Promise<number>}
	 */
	ping() {
		const started = this.#now();
		return this.#operation({ op: 'ping', id: this.#nextId++ }, undefined, (entry) => {
			entry.onMessage = () => entry.resolve(this.#now() - started);
		});
	}

	// --- server-to-browser calls -------------------------------------------------------------

	/**
	 * Offers a function the server may call (`ZmqwsTemplate.invoke`/`ask`). For calls the
	 * server awaits, the function's return value (or the resolved value of the promise it
	 * returns) is sent back, or the message of the error it throws. Registering a name
	 * again replaces the function.
	 * @param {string} name letters, digits, `_`, `.` or `-`, at most 64
	 * @param {(...args: unknown[]) => unknown} fn
	 * @returns {Registration}
	 */
	register(name, fn) {
		if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
			throw new TypeError(`Invalid function name '${name}'`);
		}
		if (typeof fn !== 'function') {
			throw new TypeError('register() needs a function');
		}
		let entry = this.#functions.get(name);
		if (!entry) {
			entry = { name, fn, ready: deferred(), registrations: new Set() };
			this.#functions.set(name, entry);
			if (this.#online) {
				this.#sendRegister(entry);
			}
		}
		entry.fn = fn;
		const registration = new Registration(name, entry.ready.promise, (gone) => {
			entry.registrations.delete(gone);
			if (entry.registrations.size === 0 && this.#functions.get(name) === entry) {
				this.#functions.delete(name);
				if (this.#online) {
					this.#send({ op: 'unregister', name });
				}
			}
		});
		entry.registrations.add(registration);
		return registration;
	}

	#sendRegister(entry) {
		this.#registering.push(entry);
		this.#send({ op: 'register', name: entry.name });
	}

	// --- authentication --------------------------------------------------------------------

	/**
	 * Authenticates again: with `token` if given (a string or a function returning one or a
	 * promise of one), which also replaces the token used after reconnecting, otherwise
	 * with the configured token. Resolves with `{user, expiresAt}`; rejects with
	 * `UnauthenticatedError`, or `DisconnectedError` when the connection is not open.
	 * @returns {Promise<{user: string, expiresAt: number | null}>}
	 */
	refreshToken(token) {
		if (token !== undefined) {
			this.#token = token;
		}
		if (this.#token === null || this.#token === undefined) {
			return Promise.reject(new TypeError('No token: pass one to refreshToken() or options.token'));
		}
		if (!this.#online) {
			return Promise.reject(new DisconnectedError('The connection is not open; it authenticates when it is'));
		}
		return this.#authenticate(this.#generation);
	}

	#authenticate(generation) {
		const run = this.#authChain.then(async () => {
			if (generation !== this.#generation) {
				throw new DisconnectedError('The connection closed before authenticating');
			}
			const token = typeof this.#token === 'function' ? await this.#token() : this.#token;
			if (generation !== this.#generation) {
				throw new DisconnectedError('The connection closed before authenticating');
			}
			if (typeof token !== 'string' || token === '') {
				throw new UnauthenticatedError('The token source gave no token');
			}
			return new Promise((resolve, reject) => {
				this.#authWaiter = { resolve, reject };
				this.#raw({ op: 'auth', token });
			});
		});
		this.#authChain = run.catch(noop);
		return run;
	}

	#authenticated(message) {
		this.user = typeof message.user === 'string' ? message.user : null;
		this.expiresAt = parseExpiry(message.expiresAt);
		this.#clearTimer('refresh');
		if (this.expiresAt !== null && typeof this.#token === 'function') {
			const delay = Math.min(MAX_TIMER, Math.max(0, this.expiresAt - this.#now() - this.#authRefreshMargin));
			const generation = this.#generation;
			this.#refreshTimer = this.#timers.setTimeout(() => {
				this.#refreshTimer = null;
				if (generation === this.#generation && this.#online) {
					this.#authenticate(generation).catch((error) => this.emit('authfailed', error));
				}
			}, delay);
		}
		const waiter = this.#authWaiter;
		this.#authWaiter = null;
		const result = { user: this.user, expiresAt: this.expiresAt };
		this.emit('authenticated', result);
		waiter?.resolve(result);
	}

	// --- lifecycle -------------------------------------------------------------------------

	/**
	 * Closes the connection for good: everything in flight or queued fails with
	 * `DisconnectedError`, no reconnect follows.
	 */
	close() {
		if (this.#closedByUser) {
			return;
		}
		this.#closedByUser = true;
		this.#clearTimer('reconnect');
		const ws = this.#ws;
		const error = new DisconnectedError('The connection was closed by the client');
		this.#drop(error);
		if (ws) {
			try {
				ws.close(1000, 'Client closed');
			}
			catch (failure) {
				// already closing
			}
		}
		this.#failQueued(error);
		this.#setState('closed', { code: 1000, reason: 'Client closed' });
	}

	#open() {
		const generation = ++this.#generation;
		let ws;
		try {
			ws = new this.#WebSocket(this.url, PROTOCOL);
		}
		catch (error) {
			this.#lost(generation, 1006, messageOf(error));
			return;
		}
		this.#ws = ws;
		this.#handshakeTimer = this.#timers.setTimeout(() => {
			this.#handshakeTimer = null;
			if (generation === this.#generation) {
				try {
					ws.close(4000, 'Handshake timed out');
				}
				catch (error) {
					// closing anyway
				}
				this.#lost(generation, 4000, 'Handshake timed out');
			}
		}, this.#handshakeTimeout);
		ws.onmessage = (event) => {
			if (generation === this.#generation) {
				this.#receive(event.data, generation);
			}
		};
		ws.onclose = (event) => this.#lost(generation, event?.code ?? 1006, event?.reason ?? '');
		ws.onerror = noop;
	}

	#lost(generation, code, reason) {
		if (generation !== this.#generation || this.#closedByUser) {
			return;
		}
		const detail = reason ? `${code}: ${reason}` : `${code}`;
		this.#drop(new DisconnectedError(`The connection was lost (${detail})`));
		if (!this.#reconnect || this.#attempt >= this.#reconnect.maxAttempts) {
			this.#closedByUser = true;
			this.#failQueued(new DisconnectedError(`The connection closed (${detail})`));
			this.#setState('closed', { code, reason });
			return;
		}
		const attempt = ++this.#attempt;
		const delay = this.backoffDelay(attempt);
		this.#reconnectTimer = this.#timers.setTimeout(() => {
			this.#reconnectTimer = null;
			this.#open();
		}, delay);
		this.#setState('reconnecting', { attempt, delay, code, reason });
	}

	/**
	 * The delay before reconnect attempt `attempt` (1 for the first): the initial delay
	 * times the factor for each earlier attempt, at most the maximum, less a random part of
	 * up to `jitter` of it.
	 * @param {number} attempt
	 * @returns {number} milliseconds
	 */
	backoffDelay(attempt) {
		const settings = this.#reconnect ?? RECONNECT_DEFAULTS;
		const base = Math.min(settings.maxDelay, settings.initialDelay * Math.pow(settings.factor, attempt - 1));
		return Math.round(base * (1 - settings.jitter * this.#random()));
	}

	/** Forgets the current WebSocket and fails what was in flight on it with `error`. */
	#drop(error) {
		this.#generation++;
		const ws = this.#ws;
		this.#ws = null;
		if (ws) {
			ws.onmessage = null;
			ws.onclose = null;
			ws.onopen = null;
		}
		this.#online = false;
		this.#clearTimer('handshake');
		this.#clearTimer('refresh');
		this.session = null;
		const auth = this.#authWaiter;
		this.#authWaiter = null;
		auth?.reject(error);
		for (const entry of [...this.#pending.values()]) {
			if (entry.sent) {
				this.#settle(entry);
				entry.reject(error);
			}
		}
		for (const entry of this.#methodWaiters.splice(0)) {
			entry.reject(error);
		}
		for (const socket of this.#sockets.values()) {
			socket.status = 'new';
			socket.subscribing = [];
			for (const topic of socket.topics.values()) {
				topic.confirmed = false;
			}
		}
		this.#pathsSubscribing = [];
		this.#registering = [];
	}

	#failQueued(error) {
		for (const entry of this.#queue.splice(0)) {
			if (entry.methods) {
				entry.reject(error);
			}
			else {
				this.#settle(entry);
				entry.reject(error);
			}
		}
	}

	#clearTimer(name) {
		const field = name === 'reconnect' ? this.#reconnectTimer : name === 'handshake' ? this.#handshakeTimer : this.#refreshTimer;
		if (field !== null) {
			this.#timers.clearTimeout(field);
		}
		if (name === 'reconnect') {
			this.#reconnectTimer = null;
		}
		else if (name === 'handshake') {
			this.#handshakeTimer = null;
		}
		else {
			this.#refreshTimer = null;
		}
	}

	/** Moves to `state`; the event named after the state fires on every failed attempt too. */
	#setState(state, details = {}) {
		const previous = this.state;
		this.state = state;
		if (previous !== state) {
			this.emit('state', state, previous, details);
		}
		if (previous !== state || state === 'reconnecting') {
			this.emit(state, details);
		}
	}

	async #handshake(generation) {
		if (this.#token !== null && this.#token !== undefined) {
			try {
				await this.#authenticate(generation);
			}
			catch (error) {
				if (generation !== this.#generation) {
					return;
				}
				this.user = null;
				this.expiresAt = null;
				this.emit('authfailed', error);
			}
		}
		if (generation !== this.#generation) {
			return;
		}
		this.#clearTimer('handshake');
		this.#restore();
		this.#online = true;
		this.#attempt = 0;
		this.connectCount++;
		for (const entry of this.#queue.splice(0)) {
			this.#transmit(entry);
		}
		this.#setState('open', { session: this.session });
	}

	/** Re-creates on a new connection what the application had set up. */
	#restore() {
		for (const socket of this.#sockets.values()) {
			this.#raw({ op: 'open', sid: socket.sid, endpoint: socket.endpoint });
			socket.status = 'opening';
			for (const topic of socket.topics.values()) {
				socket.subscribing.push(topic);
				this.#raw({ op: 'subscribe', sid: socket.sid, topic: encodeFrame(topic.topic) });
			}
		}
		for (const entry of this.#paths.values()) {
			this.#pathsSubscribing.push(entry);
			this.#raw({ op: 'subscribe', path: entry.path });
		}
		for (const entry of this.#functions.values()) {
			this.#registering.push(entry);
			this.#raw({ op: 'register', name: entry.name });
		}
	}

	// --- operations ------------------------------------------------------------------------

	#socket(type, endpoint) {
		const key = `${type} ${endpoint}`;
		let socket = this.#sockets.get(key);
		if (!socket) {
			socket = { key, sid: this.#nextSid++, type, endpoint, status: 'new', topics: new Map(), subscribing: [] };
			this.#sockets.set(key, socket);
			this.#socketsBySid.set(socket.sid, socket);
		}
		return socket;
	}

	#ensureSocket(socket) {
		if (socket.status === 'new' && this.#online && this.#sockets.get(socket.key) === socket) {
			socket.status = 'opening';
			this.#raw({ op: 'open', sid: socket.sid, endpoint: socket.endpoint });
		}
	}

	/**
	 * Starts an operation answered by id: sends it now when online, else queues it.
	 * `prepare` sets the entry's `onMessage`, which returns `false` for a non-final answer.
	 */
	#operation(message, signal, prepare, beforeSend) {
		if (signal?.aborted) {
			return Promise.reject(abortedBy(signal));
		}
		return new Promise((resolve, reject) => {
			const entry = { id: message.id, message, sent: false, resolve, reject, beforeSend, cancellable: false };
			prepare(entry);
			if (signal) {
				const onAbort = () => {
					if (this.#pending.get(entry.id) === entry) {
						this.#cancelOperation(entry);
						entry.reject(abortedBy(signal));
					}
				};
				signal.addEventListener('abort', onAbort, { once: true });
				entry.cleanup = () => signal.removeEventListener('abort', onAbort);
			}
			this.#pending.set(entry.id, entry);
			this.#enqueue(entry);
		});
	}

	#enqueue(entry) {
		if (this.#closedByUser) {
			this.#settle(entry);
			entry.reject(new DisconnectedError('The connection is closed'));
			return;
		}
		if (this.#online) {
			this.#transmit(entry);
			return;
		}
		if (this.#queue.length >= this.#maxQueue) {
			this.#settle(entry);
			entry.reject(new QueueFullError(`The offline queue is full (${this.#maxQueue} operations wait for the connection)`));
			return;
		}
		this.#queue.push(entry);
	}

	#transmit(entry) {
		const text = JSON.stringify(entry.message);
		const limit = this.limits?.maxMessageSize;
		if (limit && text.length * 3 > limit && utf8Encoder.encode(text).length > limit) {
			this.#settle(entry);
			entry.reject(new ZmqwsError('message_too_large', `The message is larger than the gateway accepts (${limit} bytes)`,
				{ failedOp: entry.message.op, id: entry.id }));
			return;
		}
		entry.beforeSend?.();
		entry.sent = true;
		if (entry.methods) {
			this.#methodWaiters.push(entry);
		}
		this.#ws.send(text);
	}

	/** Forgets an operation, removing it from the queue; sends `cancel` for a running call. */
	#cancelOperation(entry) {
		const queued = this.#queue.indexOf(entry);
		if (queued >= 0) {
			this.#queue.splice(queued, 1);
		}
		else if (entry.sent && entry.cancellable && this.#online) {
			this.#raw({ op: 'cancel', id: entry.id });
		}
		this.#settle(entry);
	}

	#settle(entry) {
		if (entry.id !== undefined && this.#pending.get(entry.id) === entry) {
			this.#pending.delete(entry.id);
		}
		entry.cleanup?.();
	}

	#send(message) {
		if (this.#online) {
			this.#raw(message);
		}
	}

	#raw(message) {
		this.#ws.send(JSON.stringify(message));
	}

	// --- receiving -------------------------------------------------------------------------

	#receive(data, generation) {
		let message;
		try {
			message = JSON.parse(data);
		}
		catch (error) {
			this.emit('error', new ZmqwsError('bad_message', 'The gateway sent a message that is not JSON'));
			return;
		}
		switch (message?.op) {
			case 'welcome':
				this.session = message.session ?? null;
				this.limits = message.limits ?? null;
				// the user the handshake authenticated (session cookie, Basic, bearer token)
				this.user = typeof message.user === 'string' ? message.user : null;
				this.emit('welcome', message);
				this.#handshake(generation).catch(report);
				break;
			case 'reply':
			case 'pushed':
			case 'pong':
			case 'result':
			case 'item':
			case 'done':
				this.#answer(message);
				break;
			case 'message':
				this.#published(message);
				break;
			case 'event':
				this.#event(message);
				break;
			case 'invoke':
				this.#invoke(message, generation);
				break;
			case 'opened': {
				const socket = this.#socketsBySid.get(message.sid);
				if (socket && socket.status === 'opening') {
					socket.status = 'open';
				}
				break;
			}
			case 'subscribed':
				if (typeof message.path === 'string') {
					this.#confirm(this.#pathsSubscribing, (entry) => entry.path === message.path, this.#paths.get(message.path));
				}
				else {
					const socket = this.#socketsBySid.get(message.sid);
					if (socket) {
						const key = topicKey(decodeFrame(message.topic));
						this.#confirm(socket.subscribing, (entry) => entry.key === key, socket.topics.get(key));
					}
				}
				break;
			case 'registered':
				this.#confirm(this.#registering, (entry) => entry.name === message.name, this.#functions.get(message.name));
				break;
			case 'methods': {
				const entry = this.#methodWaiters.shift();
				entry?.resolve(Array.isArray(message.methods) ? message.methods : []);
				break;
			}
			case 'authenticated':
				this.#authenticated(message);
				break;
			case 'error':
				this.#error(message);
				break;
			default:
				// closed, unsubscribed, unregistered and future messages need nothing
				break;
		}
	}

	#confirm(waiting, matches, current) {
		const index = waiting.findIndex(matches);
		if (index >= 0) {
			waiting.splice(index, 1);
		}
		if (current) {
			current.confirmed = true;
			current.ready.resolve();
		}
	}

	#answer(message) {
		const entry = this.#pending.get(message.id);
		if (!entry || !entry.sent) {
			return;
		}
		const final = entry.onMessage(message) !== false;
		if (final) {
			this.#settle(entry);
		}
	}

	#published(message) {
		const socket = this.#socketsBySid.get(message.sid);
		if (message.dropped) {
			this.emit('dropped', message.dropped);
		}
		if (!socket || !Array.isArray(message.frames) || message.frames.length === 0) {
			return;
		}
		const frames = message.frames.map(decodeFrame);
		const first = frames[0];
		const firstBytes = typeof first === 'string' ? null : first;
		let firstUtf8 = null;
		for (const topic of [...socket.topics.values()]) {
			let matches;
			if (typeof first === 'string' && typeof topic.topic === 'string') {
				matches = first.startsWith(topic.topic);
			}
			else {
				firstUtf8 ??= firstBytes ?? frameBytes(first);
				matches = startsWithBytes(firstUtf8, topic.bytes);
			}
			if (matches) {
				const info = { endpoint: socket.endpoint, topic: topic.topic, dropped: message.dropped ?? 0 };
				for (const subscription of [...topic.subscriptions]) {
					if (subscription.active) {
						try {
							subscription.handler(frames, info);
						}
						catch (error) {
							report(error);
						}
					}
				}
			}
		}
	}

	#event(message) {
		for (const entry of [...this.#paths.values()]) {
			if (pathCovers(entry.path, message.path)) {
				for (const subscription of [...entry.subscriptions]) {
					if (subscription.active) {
						try {
							subscription.handler(message.data, message.path);
						}
						catch (error) {
							report(error);
						}
					}
				}
			}
		}
	}

	#invoke(message, generation) {
		const entry = this.#functions.get(message.function);
		const acknowledged = message.cid !== undefined && message.cid !== null;
		const answer = (body) => {
			if (acknowledged && generation === this.#generation && this.#ws) {
				let text;
				try {
					text = JSON.stringify({ op: 'return', cid: message.cid, ...body });
				}
				catch (error) {
					text = JSON.stringify({ op: 'return', cid: message.cid, error: 'The result cannot be sent as JSON: ' + messageOf(error) });
				}
				this.#ws.send(text);
			}
		};
		if (!entry) {
			answer({ error: `No function '${message.function}' is registered` });
			return;
		}
		const args = Array.isArray(message.args) ? message.args : [];
		new Promise((resolve) => resolve(entry.fn(...args))).then(
			(value) => answer({ value: value === undefined ? null : value }),
			(error) => {
				if (!acknowledged) {
					report(error);
				}
				answer({ error: messageOf(error) });
			});
	}

	#error(message) {
		const error = errorFromMessage(message);
		const op = message.failedOp;
		if (message.id !== undefined && message.id !== null && (op === 'request' || op === 'push' || op === 'call' || op === 'ping')) {
			const entry = this.#pending.get(message.id);
			if (entry && entry.sent) {
				this.#settle(entry);
				entry.reject(error);
			}
			return;
		}
		if (op === 'cancel' || op === 'unsubscribe' || op === 'unregister' || op === 'return' || op === 'close') {
			return;
		}
		if (op === 'open' && message.sid !== undefined) {
			this.#socketFailed(message.sid, error);
			return;
		}
		if (op === 'subscribe' && message.sid !== undefined) {
			const socket = this.#socketsBySid.get(message.sid);
			const topic = socket?.subscribing.shift();
			if (topic && socket.topics.get(topic.key) === topic) {
				socket.topics.delete(topic.key);
				this.#failSubscriptions(topic, error);
			}
			return;
		}
		if (op === 'subscribe') {
			const entry = this.#pathsSubscribing.shift();
			if (entry && this.#paths.get(entry.path) === entry) {
				this.#paths.delete(entry.path);
				this.#failSubscriptions(entry, error);
			}
			return;
		}
		if (op === 'register') {
			const entry = this.#registering.shift();
			if (entry && this.#functions.get(entry.name) === entry) {
				this.#functions.delete(entry.name);
				for (const registration of entry.registrations) {
					registration.active = false;
				}
				entry.ready.reject(error);
				this.emit('error', error);
			}
			return;
		}
		if (op === 'methods') {
			this.#methodWaiters.shift()?.reject(error);
			return;
		}
		const waiter = this.#authWaiter;
		if (waiter && (op === 'auth' || message.code === 'unauthenticated' || (op === undefined && message.code === 'unknown_op'))) {
			this.#authWaiter = null;
			waiter.reject(error);
			return;
		}
		this.emit('error', error);
	}

	#socketFailed(sid, error) {
		const socket = this.#socketsBySid.get(sid);
		if (!socket) {
			return;
		}
		this.#socketsBySid.delete(sid);
		if (this.#sockets.get(socket.key) === socket) {
			this.#sockets.delete(socket.key);
		}
		for (const entry of [...this.#pending.values()]) {
			if (entry.sid === sid) {
				this.#cancelOperation(entry);
				entry.reject(error);
			}
		}
		for (const topic of socket.topics.values()) {
			this.#failSubscriptions(topic, error);
		}
		socket.topics.clear();
	}

	#failSubscriptions(entry, error) {
		for (const subscription of entry.subscriptions) {
			subscription.active = false;
		}
		entry.ready.reject(error);
		this.emit('error', error);
	}
}

function checkName(value, what) {
	if (typeof value !== 'string' || value === '') {
		throw new TypeError(`The ${what} must be a non-empty string`);
	}
}

function callMessage(id, method, args, kwargs, options) {
	checkName(method, 'method');
	if (args !== undefined && args !== null && !Array.isArray(args)) {
		throw new TypeError('RPC arguments must be an array');
	}
	if (kwargs !== undefined && kwargs !== null && (typeof kwargs !== 'object' || Array.isArray(kwargs))) {
		throw new TypeError('RPC keyword arguments must be an object');
	}
	const message = { op: 'call', id, method };
	if (args && args.length > 0) {
		message.args = args;
	}
	if (kwargs && Object.keys(kwargs).length > 0) {
		message.kwargs = kwargs;
	}
	if (options?.timeout !== undefined) {
		message.timeout = Math.max(1, Math.round(options.timeout));
	}
	return message;
}

function parseExpiry(value) {
	if (typeof value === 'number' && Number.isFinite(value)) {
		return value < 1e11 ? value * 1000 : value;
	}
	if (typeof value === 'string') {
		const parsed = Date.parse(value);
		return Number.isNaN(parsed) ? null : parsed;
	}
	return null;
}

/**
 * Connects to a zmqws gateway.
 * @param {string} [url] e.g. `wss://example.com/zmqws`; a path or `http(s):` URL is turned
 * into a WebSocket URL; defaults to the page's origin and `/zmqws`
 * @param {ConnectOptions} [options]
 * @returns {Connection}
 */
export function connect(url, options) {
	if (url !== null && typeof url === 'object' && options === undefined) {
		return new Connection(undefined, url);
	}
	return new Connection(url, options);
}

/**
 * @typedef {string | Uint8Array | ArrayBuffer | ArrayBufferView} Frame
 * @typedef {object} ConnectOptions
 * @property {string | (() => string | Promise<string>)} [token] sent with `auth` after each welcome
 * @property {false | {initialDelay?: number, maxDelay?: number, factor?: number, jitter?: number, maxAttempts?: number}} [reconnect]
 * @property {number} [maxQueue] operations kept while offline (default 100)
 * @property {number} [handshakeTimeout] ms from connecting until ready (default 10000)
 * @property {number} [authRefreshMargin] ms before `expiresAt` to authenticate again (default 30000)
 * @property {typeof WebSocket} [WebSocket] the WebSocket class to use
 * @property {{setTimeout: Function, clearTimeout: Function}} [timers] for tests
 * @property {() => number} [random] for tests
 * @property {() => number} [now] for tests
 */

// ---------------------------------------------------------------------------------------
// Compatibility: ZmqWebBridge-style API
// ---------------------------------------------------------------------------------------

function singleOrAll(frames) {
	return frames.length === 1 ? frames[0] : frames;
}

function connectionOf(target) {
	if (target instanceof Connection) {
		return target;
	}
	if (target instanceof Context) {
		return target.connection;
	}
	if (target instanceof CompatSocket) {
		return target.context.connection;
	}
	throw new TypeError('Expected a Connection, a zmq.Context or one of its sockets');
}

/**
 * ZmqWebBridge-style context: `new zmq.Context(url)` owns one {@link Connection}.
 */
class Context {
	/**
	 * @param {string | Connection} [url] a gateway URL or an existing connection
	 * @param {ConnectOptions} [options]
	 */
	constructor(url, options) {
		this.connection = url instanceof Connection ? url : connect(url, options);
	}

	/**
	 * A socket of `type` (`zmq.REQ`, `zmq.SUB` or `zmq.PUSH`); `connect(endpointName)` names
	 * the gateway endpoint it talks to.
	 */
	Socket(type) {
		return new CompatSocket(this, type);
	}

	/** Closes the connection. */
	close() {
		this.connection.close();
	}
}

/** A ZmqWebBridge-style socket mapped onto a named endpoint. */
class CompatSocket {
	/** Called with each message of a SUB socket: one frame, or the array of frames. */
	onmessage = null;
	/** Called with errors of SUB sockets and of sends without callback. */
	onerror = null;

	#subscriptions = [];

	constructor(context, type) {
		if (type !== zmq.REQ && type !== zmq.SUB && type !== zmq.PUSH) {
			throw new TypeError(`Unsupported socket type ${type}: use zmq.REQ, zmq.SUB or zmq.PUSH`);
		}
		this.context = context;
		this.type = type;
		this.endpoint = null;
	}

	/**
	 * Names the gateway endpoint (REQ, SUB or PUSH) or, for an RPCClient, the RPC service.
	 * A SUB socket subscribes to `topic` (default `''`: everything).
	 */
	connect(endpoint, topic = '') {
		checkName(endpoint, 'endpoint');
		this.endpoint = endpoint;
		if (this.type === zmq.SUB) {
			this.subscribe(topic);
		}
		return this;
	}

	/** SUB only: adds a topic prefix. */
	subscribe(topic) {
		if (this.type !== zmq.SUB || this.endpoint === null) {
			throw new TypeError('subscribe() needs a SUB socket connected to an endpoint');
		}
		const subscription = this.context.connection.subscribe(this.endpoint, topic, (frames) => {
			this.onmessage?.(singleOrAll(frames));
		});
		subscription.ready.catch((error) => this.#failed(error));
		this.#subscriptions.push(subscription);
		return this;
	}

	/** SUB only: removes a topic prefix. */
	unsubscribe(topic) {
		const key = topicKey(topic);
		this.#subscriptions = this.#subscriptions.filter((subscription) => {
			const match = topicKey(subscription.topic) === key;
			if (match) {
				subscription.unsubscribe();
			}
			return !match;
		});
		return this;
	}

	/**
	 * REQ: sends a request; `callback(reply, error)` gets the reply (one frame, or the
	 * array of frames) or `(null, error)`. PUSH: pushes; `callback(null, error)` on failure,
	 * `callback(undefined, null)` once sent. Returns a promise of the same outcome.
	 */
	send(message, callback) {
		if (this.endpoint === null) {
			return Promise.reject(new TypeError('connect() the socket to an endpoint first'));
		}
		const connection = this.context.connection;
		let outcome;
		if (this.type === zmq.REQ) {
			outcome = connection.request(this.endpoint, message).then(singleOrAll);
		}
		else if (this.type === zmq.PUSH) {
			outcome = connection.push(this.endpoint, message);
		}
		else {
			return Promise.reject(new TypeError('A SUB socket cannot send'));
		}
		outcome.then((reply) => callback?.(reply, null), (error) => {
			if (callback) {
				callback(null, error);
			}
			else {
				this.#failed(error);
			}
		});
		return outcome;
	}

	/** Ends the socket's subscriptions. */
	close() {
		for (const subscription of this.#subscriptions) {
			subscription.unsubscribe();
		}
		this.#subscriptions = [];
	}

	#failed(error) {
		if (this.onerror) {
			this.onerror(error);
		}
	}
}

/**
 * ZmqWebBridge-style RPC client: `new zmq.RPCClient(socket).rpc(name, args, kwargs,
 * callback)` calls `@ZmqRpc` method `<endpoint>.<name>` where `<endpoint>` is the name the
 * socket was connected to (the RPC service), or `name` as given when it holds a dot and
 * the socket is not connected.
 */
class RPCClient {
	constructor(socket) {
		this.socket = socket;
		this.connection = connectionOf(socket);
	}

	/** Calls the method; `callback(result, error)`. Returns a promise of the result. */
	rpc(name, args = [], kwargs = {}, callback) {
		const service = this.socket instanceof CompatSocket ? this.socket.endpoint : null;
		const method = service ? `${service}.${name}` : name;
		const outcome = this.connection.rpc(method, args, kwargs);
		outcome.then((result) => callback?.(result, null), (error) => callback?.(null, error));
		return outcome;
	}
}

/**
 * ZmqWebBridge-style server of calls the server publishes: every function set as a
 * property of the object (or defined by a subclass) is registered under its name, so the
 * server's `ZmqwsTemplate.invoke(...)`, `invokeUser(...)`, `invokeSubscribers(...)` and
 * `ask(...)` reach it. Deleting the property (or setting it to a non-function)
 * unregisters it.
 */
class PubRPCServer {
	/** @param {Connection | Context | CompatSocket} target */
	constructor(target) {
		const connection = connectionOf(target);
		const registrations = new Map();
		const registerFunction = (proxy, name, fn) => {
			registrations.get(name)?.unregister();
			registrations.delete(name);
			if (typeof fn === 'function') {
				registrations.set(name, connection.register(name, (...args) => fn.apply(proxy, args)));
			}
		};
		const proxy = new Proxy(this, {
			set(object, name, value) {
				object[name] = value;
				if (typeof name === 'string' && !name.startsWith('_') && !(name in PubRPCServer.prototype)) {
					registerFunction(proxy, name, value);
				}
				return true;
			},
			deleteProperty(object, name) {
				delete object[name];
				if (typeof name === 'string') {
					registerFunction(proxy, name, undefined);
				}
				return true;
			},
		});
		Object.defineProperty(this, '_registrations', { value: registrations });
		Object.defineProperty(this, '_connection', { value: connection });
		for (let prototype = Object.getPrototypeOf(this); prototype && prototype !== PubRPCServer.prototype;
			prototype = Object.getPrototypeOf(prototype)) {
			for (const name of Object.getOwnPropertyNames(prototype)) {
				const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
				if (name !== 'constructor' && !name.startsWith('_') && typeof descriptor.value === 'function'
						&& !registrations.has(name)) {
					registerFunction(proxy, name, descriptor.value);
				}
			}
		}
		return proxy;
	}

	/** The names currently registered. */
	registeredNames() {
		return [...this._registrations.keys()];
	}

	/** Unregisters every function. */
	close() {
		for (const registration of this._registrations.values()) {
			registration.unregister();
		}
		this._registrations.clear();
	}
}

/**
 * The ZmqWebBridge-style namespace: `zmq.Context`, socket types `zmq.REQ`, `zmq.SUB`,
 * `zmq.PUSH` (ZeroMQ's own numbers), `zmq.RPCClient` and `zmq.PubRPCServer`.
 */
export const zmq = Object.freeze({ REQ: 3, SUB: 2, PUSH: 8, Context, RPCClient, PubRPCServer });

// ---------------------------------------------------------------------------------------
// Compatibility: Zephserver-style API
// ---------------------------------------------------------------------------------------

/**
 * Zephserver-style client. A task name is an RPC method (`service.method`) and a path:
 * `send(task, data)` calls the method with `data` as its only argument and hands the
 * result (unless null) to the task's subscribers; `subscribe(task, cb)` also receives
 * every event the server publishes to path `/<task>`.
 */
export class Zephserver {
	#callbacks = new Map();

	/**
	 * @param {string | Connection} [url] a gateway URL or an existing connection
	 * @param {ConnectOptions} [options]
	 */
	constructor(url, options) {
		this.connection = url instanceof Connection ? url : connect(url, options);
	}

	/** Calls task `task` with `data`; resolves with the result, also given to subscribers. */
	send(task, data) {
		const outcome = this.connection.rpc(task, data === undefined ? [] : [data]);
		return outcome.then((result) => {
			if (result !== null && result !== undefined) {
				this.#deliver(task, result);
			}
			return result;
		});
	}

	/** Calls `callback(data)` with the task's results and the events published to `/<task>`. */
	subscribe(task, callback) {
		checkName(task, 'task');
		let entry = this.#callbacks.get(task);
		if (!entry) {
			entry = { callbacks: new Set(), subscription: null };
			entry.subscription = this.connection.subscribe('/' + task, (data) => this.#deliver(task, data));
			this.#callbacks.set(task, entry);
		}
		entry.callbacks.add(callback);
		return this;
	}

	/** Removes `callback` (or, without it, every callback) from the task. */
	unsubscribe(task, callback) {
		const entry = this.#callbacks.get(task);
		if (!entry) {
			return this;
		}
		if (callback === undefined) {
			entry.callbacks.clear();
		}
		else {
			entry.callbacks.delete(callback);
		}
		if (entry.callbacks.size === 0) {
			entry.subscription.unsubscribe();
			this.#callbacks.delete(task);
		}
		return this;
	}

	/** Closes the connection. */
	close() {
		this.connection.close();
	}

	#deliver(task, data) {
		const entry = this.#callbacks.get(task);
		if (entry) {
			for (const callback of [...entry.callbacks]) {
				try {
					callback(data);
				}
				catch (error) {
					report(error);
				}
			}
		}
	}
}
