// Test doubles for the client's unit tests: a scripted WebSocket, EventSource and fetch,
// and controllable timers. Nothing here talks to a network.

import * as client from '../../main/resources/io/zmqws/client/client.js';

export { client };

export const WELCOME = Object.freeze({
	op: 'welcome',
	protocol: 'zmqws.v1.json',
	session: 'session-1',
	limits: { maxMessageSize: 2097152, maxSockets: 64, maxSubscriptions: 256, maxPendingRequests: 1024 },
});

/**
 * Timers that run only when the test advances the clock.
 */
export class FakeTimers {
	now = 1_700_000_000_000;
	#nextId = 1;
	#timers = new Map();

	setTimeout = (fn, ms) => {
		const id = this.#nextId++;
		this.#timers.set(id, { at: this.now + ms, ms, fn });
		return id;
	};

	clearTimeout = (id) => {
		this.#timers.delete(id);
	};

	/** The delays of the timers still pending, in the order they were set. */
	pendingDelays() {
		return [...this.#timers.values()].map((timer) => timer.ms);
	}

	/** Moves the clock on, running every timer that falls due, earliest first. */
	advance(ms) {
		const end = this.now + ms;
		for (;;) {
			let next = null;
			for (const [id, timer] of this.#timers) {
				if (timer.at <= end && (next === null || timer.at < next[1].at)) {
					next = [id, timer];
				}
			}
			if (next === null) {
				break;
			}
			this.#timers.delete(next[0]);
			this.now = next[1].at;
			next[1].fn();
		}
		this.now = end;
	}
}

/** The UTF-8 bytes of a string. */
export function utf8(text) {
	return new TextEncoder().encode(text);
}

/**
 * Creates a WebSocket class whose instances a test drives as the server would, and the
 * list of its instances. On a `zmqws.v1.msgpack` connection messages travel as
 * MessagePack in binary WebSocket messages; `sent` holds them decoded either way.
 */
export function fakeWebSocketClass() {
	const sockets = [];
	class FakeWebSocket {
		static CONNECTING = 0;
		static OPEN = 1;
		static CLOSED = 3;

		constructor(url, protocols) {
			this.url = url;
			this.protocols = protocols;
			this.binaryType = 'blob';
			this.readyState = 0;
			this.sent = [];
			/** Per message sent: whether it went as a binary WebSocket message. */
			this.binary = [];
			this.closedWith = null;
			this.onopen = null;
			this.onmessage = null;
			this.onclose = null;
			this.onerror = null;
			sockets.push(this);
		}

		send(data) {
			if (this.readyState !== 1) {
				throw new Error('InvalidStateError: the socket is not open');
			}
			const binary = typeof data !== 'string';
			this.binary.push(binary);
			this.sent.push(binary ? client.decodeMsgpack(data) : JSON.parse(data));
		}

		close(code, reason) {
			this.closedWith = { code, reason };
			this.readyState = 3;
		}

		// --- the server's side ---

		/** Completes the handshake and sends `welcome`. */
		accept(welcome = WELCOME) {
			this.readyState = 1;
			this.onopen?.({});
			this.deliver(welcome);
		}

		/** Sends a message to the client, in the encoding of the connection. */
		deliver(message) {
			if (this.protocols === 'zmqws.v1.msgpack') {
				this.onmessage?.({ data: client.encodeMsgpack(message).buffer });
			}
			else {
				this.onmessage?.({ data: JSON.stringify(message) });
			}
		}

		/** Sends a WebSocket message as it is: a string for text, an ArrayBuffer for binary. */
		deliverRaw(data) {
			this.onmessage?.({ data });
		}

		/** The connection ends from the server's or the network's side. */
		drop(code = 1006, reason = '') {
			this.readyState = 3;
			this.onclose?.({ code, reason });
		}

		/** What the client sent, without pings of the test's own making. */
		ops() {
			return this.sent.map((message) => message.op);
		}

		/** The last message the client sent with `op`. */
		last(op) {
			const found = this.sent.filter((message) => message.op === op);
			return found[found.length - 1];
		}

		/** Forgets what was sent so far. */
		clear() {
			this.sent = [];
		}
	}
	return { FakeWebSocket, sockets };
}

/**
 * A connection on a fake WebSocket with fake timers; `ws()` is the current socket.
 */
export function harness(options = {}) {
	const { FakeWebSocket, sockets } = fakeWebSocketClass();
	const timers = new FakeTimers();
	const events = [];
	const connection = client.connect('ws://gateway.test/zmqws', {
		transport: 'websocket',
		WebSocket: FakeWebSocket,
		timers,
		now: () => timers.now,
		random: () => 0.5,
		...options,
	});
	for (const type of ['connecting', 'open', 'reconnecting', 'closed']) {
		connection.on(type, (details) => events.push({ type, details }));
	}
	return {
		connection,
		timers,
		sockets,
		events,
		ws: () => sockets[sockets.length - 1],
		/** Opens the current socket and completes the handshake. */
		accept(welcome) {
			sockets[sockets.length - 1].accept(welcome);
		},
	};
}

/** Lets promise callbacks run. */
export function settle() {
	return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Creates an EventSource class whose instances a test drives as the gateway's event
 * stream would, and the list of its instances.
 */
export function fakeEventSourceClass() {
	const sources = [];
	class FakeEventSource {
		static CONNECTING = 0;
		static OPEN = 1;
		static CLOSED = 2;

		#listeners = new Map();
		#seq = 0;

		constructor(url, init) {
			this.url = url;
			this.withCredentials = init?.withCredentials ?? false;
			this.init = init;
			this.readyState = 0;
			this.onopen = null;
			this.onmessage = null;
			this.onerror = null;
			this.lastEventId = '';
			/** The Last-Event-ID of each automatic reconnect. */
			this.resumedWith = [];
			this.session = null;
			sources.push(this);
		}

		addEventListener(type, listener) {
			if (!this.#listeners.has(type)) {
				this.#listeners.set(type, []);
			}
			this.#listeners.get(type).push(listener);
		}

		close() {
			this.readyState = 2;
		}

		get closed() {
			return this.readyState === 2;
		}

		/** The encoding the client asked for with the `protocol` query parameter. */
		get protocol() {
			return new URL(this.url).searchParams.get('protocol');
		}

		// --- the gateway's side ---

		/** The stream starts (200 text/event-stream). */
		open() {
			this.readyState = 1;
			this.onopen?.({ type: 'open' });
		}

		/** Opens the stream and sends the welcome, naming the session. */
		accept(welcome = { ...WELCOME, transport: 'sse', http: '1.1' }) {
			this.session = welcome.session;
			this.#seq = 0;
			this.open();
			this.deliver(welcome);
		}

		/** Sends one server message as an event with the next id, in the connection's encoding. */
		deliver(message) {
			const data = this.protocol === 'zmqws.v1.msgpack'
				? client.toBase64(client.encodeMsgpack(message))
				: JSON.stringify(message);
			this.dispatch('message', data, `${this.session}:${++this.#seq}`);
		}

		/** Dispatches an event of `type` with `data` as it is. */
		dispatch(type, data, id) {
			if (this.readyState === 2) {
				return;
			}
			if (id !== undefined) {
				this.lastEventId = id;
			}
			const event = { type, data, lastEventId: this.lastEventId };
			if (type === 'message') {
				this.onmessage?.(event);
			}
			for (const listener of this.#listeners.get(type) ?? []) {
				listener(event);
			}
		}

		/** The gateway ends the session: `event: close` with the code and reason. */
		closeSession(code, reason) {
			this.dispatch('close', JSON.stringify({ code, reason }));
			if (this.readyState !== 2) {
				this.readyState = 0; // the response ended: EventSource would reconnect unless closed
			}
		}

		/** The stream breaks; EventSource will reconnect by itself. */
		breakOff() {
			this.readyState = 0;
			this.onerror?.({ type: 'error' });
		}

		/** The automatic reconnect succeeds: the gateway resumes after Last-Event-ID. */
		resume() {
			this.resumedWith.push(this.lastEventId);
			this.open();
		}

		/** The (re)connect is answered with an error status (e.g. 404): EventSource gives up. */
		refuse() {
			this.readyState = 2;
			this.onerror?.({ type: 'error' });
		}
	}
	return { FakeEventSource, sources };
}

/**
 * A fetch whose requests a test answers: `requests` lists them with `respond(status)`
 * and `fail()`. DELETE requests are answered with 204 at once.
 */
export function fakeFetch() {
	const requests = [];
	const fetch = (url, init = {}) => new Promise((resolve, reject) => {
		const request = {
			url,
			method: init.method ?? 'GET',
			headers: init.headers ?? {},
			body: init.body,
			init,
			answered: false,
			respond(status) {
				request.answered = true;
				resolve({ status, ok: status >= 200 && status < 300 });
			},
			fail(error = new TypeError('Failed to fetch')) {
				request.answered = true;
				reject(error);
			},
		};
		requests.push(request);
		if (request.method === 'DELETE') {
			request.respond(204);
		}
	});
	return { fetch, requests };
}

/** The messages of a POST batch: NDJSON lines or MessagePack values back to back. */
export function batchOf(request) {
	if (typeof request.body === 'string') {
		return request.body.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));
	}
	return client.decodeMsgpackStream(request.body);
}

/**
 * A connection over the HTTP transport (fake EventSource and fetch) with fake timers;
 * `source()` is the current event stream, `posts()` the POST requests so far.
 */
export function sseHarness(options = {}) {
	const { FakeEventSource, sources } = fakeEventSourceClass();
	const { fetch, requests } = fakeFetch();
	const timers = new FakeTimers();
	const events = [];
	const connection = client.connect('ws://gateway.test/zmqws', {
		transport: 'sse',
		EventSource: FakeEventSource,
		fetch,
		timers,
		now: () => timers.now,
		random: () => 0.5,
		...options,
	});
	for (const type of ['connecting', 'open', 'reconnecting', 'closed']) {
		connection.on(type, (details) => events.push({ type, details }));
	}
	const posts = () => requests.filter((request) => request.method === 'POST');
	return {
		connection,
		timers,
		sources,
		requests,
		events,
		source: () => sources[sources.length - 1],
		posts,
		/** The last POST. */
		lastPost: () => posts().at(-1),
		deletes: () => requests.filter((request) => request.method === 'DELETE'),
		accept(welcome) {
			sources[sources.length - 1].accept(welcome);
		},
	};
}
