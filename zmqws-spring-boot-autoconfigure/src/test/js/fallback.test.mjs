import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { batchOf, client, fakeEventSourceClass, fakeFetch, fakeWebSocketClass, FakeTimers, settle, WELCOME } from './support.mjs';

/** A connection in auto mode with a fake WebSocket and a fake HTTP transport. */
function autoHarness(options = {}) {
	const { FakeWebSocket, sockets } = fakeWebSocketClass();
	const { FakeEventSource, sources } = fakeEventSourceClass();
	const { fetch, requests } = fakeFetch();
	const timers = new FakeTimers();
	const events = [];
	const connection = client.connect('ws://gateway.test/zmqws', {
		WebSocket: FakeWebSocket,
		EventSource: FakeEventSource,
		fetch,
		timers,
		now: () => timers.now,
		random: () => 0.5,
		...options,
	});
	for (const type of ['connecting', 'open', 'reconnecting', 'closed', 'fallback']) {
		connection.on(type, (details) => events.push({ type, details }));
	}
	return {
		connection,
		sockets,
		sources,
		timers,
		events,
		ws: () => sockets[sockets.length - 1],
		source: () => sources[sources.length - 1],
		posts: () => requests.filter((request) => request.method === 'POST'),
	};
}

const SSE_WELCOME = { ...WELCOME, transport: 'sse', http: '1.1' };

describe('auto transport', () => {
	test('the WebSocket is tried first; its welcome settles the transport for good', async () => {
		const { connection, sockets, sources, ws, timers } = autoHarness();
		assert.equal(connection.transport, 'websocket');
		assert.equal(sockets.length, 1);
		assert.equal(sources.length, 0);
		ws().accept({ ...WELCOME, transport: 'websocket', http: '1.1' });
		assert.equal(connection.state, 'open');
		assert.equal(connection.http, '1.1');
		// a later drop reconnects over the WebSocket, even when that attempt fails before its welcome
		ws().drop(1006);
		timers.advance(375);
		assert.equal(sockets.length, 2);
		ws().drop(1006);
		timers.advance(750);
		assert.equal(sockets.length, 3);
		assert.equal(sources.length, 0);
		assert.equal(connection.transport, 'websocket');
		ws().accept();
		assert.equal(connection.state, 'open');
	});

	test('a WebSocket that fails before its welcome hands over to the HTTP transport at once', async () => {
		const { connection, ws, sources, source, events, posts } = autoHarness();
		const reply = connection.request('echo', 'queued before');
		ws().drop(1006);
		assert.equal(sources.length, 1, 'no backoff for the fallback');
		assert.equal(connection.transport, 'sse');
		assert.equal(connection.state, 'connecting');
		assert.deepEqual(events.filter((event) => event.type === 'fallback'),
			[{ type: 'fallback', details: { transport: 'sse', code: 1006, reason: '' } }]);
		source().accept(SSE_WELCOME);
		assert.equal(connection.state, 'open');
		await settle();
		assert.deepEqual(batchOf(posts()[0]), [
			{ op: 'open', sid: 1, endpoint: 'echo' },
			{ op: 'request', sid: 1, id: 1, frames: ['queued before'] },
		]);
		source().deliver({ op: 'reply', sid: 1, id: 1, frames: ['answered over SSE'] });
		assert.deepEqual(await reply, ['answered over SSE']);
		assert.deepEqual(events.map((event) => event.type), ['fallback', 'open']);
	});

	test('a WebSocket without welcome within fallbackAfter is closed and the HTTP transport takes over', () => {
		const { connection, ws, sources, timers } = autoHarness({ fallbackAfter: 1500 });
		ws().readyState = 1; // the upgrade went through, but nothing arrives (e.g. a buffering proxy)
		timers.advance(1499);
		assert.equal(sources.length, 0);
		timers.advance(1);
		assert.deepEqual(ws().closedWith, { code: 4000, reason: 'No welcome within 1500 ms' });
		assert.equal(sources.length, 1);
		assert.equal(connection.transport, 'sse');
	});

	test('the default fallbackAfter is 4 seconds', () => {
		const { sources, timers } = autoHarness();
		timers.advance(3999);
		assert.equal(sources.length, 0);
		timers.advance(1);
		assert.equal(sources.length, 1);
	});

	test('after the fallback, reconnects stay on the HTTP transport', () => {
		const { connection, ws, sockets, sources, source, timers } = autoHarness();
		ws().drop(1006);
		source().accept(SSE_WELCOME);
		source().closeSession(1001, 'Server is shutting down');
		assert.equal(connection.state, 'reconnecting');
		timers.advance(375);
		assert.equal(sockets.length, 1);
		assert.equal(sources.length, 2);
		source().breakOff(); // a failed attempt: still no WebSocket
		timers.advance(750);
		assert.equal(sockets.length, 1);
		assert.equal(sources.length, 3);
		source().accept({ ...SSE_WELCOME, session: 'session-3' });
		assert.equal(connection.state, 'open');
		assert.equal(connection.transport, 'sse');
	});

	test('a failed HTTP attempt after the fallback goes through the backoff as usual', () => {
		const { connection, ws, sources, source, events, timers } = autoHarness();
		ws().drop(1006);
		source().refuse();
		assert.equal(connection.state, 'reconnecting');
		assert.equal(events.at(-1).details.attempt, 1);
		timers.advance(374);
		assert.equal(sources.length, 1);
		timers.advance(1);
		assert.equal(sources.length, 2);
	});

	test('without EventSource auto uses only the WebSocket; without WebSocket only the HTTP transport', () => {
		const { FakeWebSocket, sockets } = fakeWebSocketClass();
		const { FakeEventSource, sources } = fakeEventSourceClass();
		const { fetch } = fakeFetch();
		const savedEventSource = globalThis.EventSource;
		const savedWebSocket = globalThis.WebSocket;
		try {
			delete globalThis.EventSource;
			delete globalThis.WebSocket;
			const webSocketOnly = client.connect('ws://gateway.test/zmqws', { WebSocket: FakeWebSocket, reconnect: false });
			sockets[0].drop(1006);
			assert.equal(webSocketOnly.state, 'closed');
			assert.equal(sources.length, 0);
			const sseOnly = client.connect('ws://gateway.test/zmqws', { EventSource: FakeEventSource, fetch, reconnect: false });
			assert.equal(sseOnly.transport, 'sse');
			assert.equal(sources.length, 1);
			sseOnly.close();
			assert.throws(() => client.connect('ws://gateway.test/zmqws', { transport: 'sse' }), /No EventSource/);
			assert.throws(() => client.connect('ws://gateway.test/zmqws', { transport: 'websocket' }), /No WebSocket/);
			assert.throws(() => client.connect('ws://gateway.test/zmqws', { transport: 'carrier-pigeon', WebSocket: FakeWebSocket }),
				/Unknown transport/);
		}
		finally {
			if (savedEventSource !== undefined) {
				globalThis.EventSource = savedEventSource;
			}
			if (savedWebSocket !== undefined) {
				globalThis.WebSocket = savedWebSocket;
			}
		}
	});

	test('transport: sse never opens a WebSocket; transport: websocket never falls back', () => {
		const sse = autoHarness({ transport: 'sse' });
		assert.equal(sse.sockets.length, 0);
		assert.equal(sse.sources.length, 1);
		const webSocket = autoHarness({ transport: 'websocket' });
		webSocket.ws().drop(1006);
		assert.equal(webSocket.connection.state, 'reconnecting');
		assert.equal(webSocket.sources.length, 0);
	});

	test('MessagePack carries over to the fallback', async () => {
		const { connection, ws, source, posts } = autoHarness({ encoding: 'msgpack' });
		assert.equal(ws().protocols, 'zmqws.v1.msgpack');
		ws().drop(1006);
		assert.equal(source().protocol, 'zmqws.v1.msgpack');
		source().accept({ ...SSE_WELCOME, protocol: 'zmqws.v1.msgpack' });
		connection.ping();
		await settle();
		assert.equal(posts()[0].headers['Content-Type'], 'application/vnd.msgpack');
		assert.deepEqual(batchOf(posts()[0]), [{ op: 'ping', id: 1 }]);
		assert.equal(connection.encoding, 'msgpack');
	});

	test('close() during the WebSocket attempt falls back to nothing', () => {
		const { connection, sources, timers } = autoHarness();
		connection.close();
		timers.advance(10_000);
		assert.equal(sources.length, 0);
		assert.equal(connection.state, 'closed');
	});
});
