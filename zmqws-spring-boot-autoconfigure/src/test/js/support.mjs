// Test doubles for the client's unit tests: a scripted WebSocket and controllable timers.
// Nothing here talks to a network.

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

/**
 * Creates a WebSocket class whose instances a test drives as the server would, and the
 * list of its instances.
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
			this.readyState = 0;
			this.sent = [];
			this.closedWith = null;
			this.onopen = null;
			this.onmessage = null;
			this.onclose = null;
			this.onerror = null;
			sockets.push(this);
		}

		send(text) {
			if (this.readyState !== 1) {
				throw new Error('InvalidStateError: the socket is not open');
			}
			this.sent.push(JSON.parse(text));
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

		/** Sends a message to the client. */
		deliver(message) {
			this.onmessage?.({ data: JSON.stringify(message) });
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
