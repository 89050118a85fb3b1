import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { client, fakeWebSocketClass, harness, settle } from './support.mjs';

describe('connecting', () => {
	test('the WebSocket offers the zmqws.v1.json subprotocol at the given URL', () => {
		const { ws } = harness();
		assert.equal(ws().url, 'ws://gateway.test/zmqws');
		assert.equal(ws().protocols, 'zmqws.v1.json');
	});

	test('without a URL the page\'s origin and /zmqws are used, wss on https pages', () => {
		const { FakeWebSocket, sockets } = fakeWebSocketClass();
		const saved = globalThis.location;
		try {
			globalThis.location = { protocol: 'https:', host: 'app.example:8443', pathname: '/ui/' };
			client.connect(undefined, { WebSocket: FakeWebSocket, reconnect: false }).close();
			client.connect({ WebSocket: FakeWebSocket, reconnect: false }).close();
			client.connect('/gateway', { WebSocket: FakeWebSocket, reconnect: false }).close();
			globalThis.location = { protocol: 'http:', host: 'localhost:8080', pathname: '/' };
			client.connect(undefined, { WebSocket: FakeWebSocket, reconnect: false }).close();
			client.connect('http://other:1/zmqws', { WebSocket: FakeWebSocket, reconnect: false }).close();
		}
		finally {
			globalThis.location = saved;
		}
		assert.deepEqual(sockets.map((socket) => socket.url), ['wss://app.example:8443/zmqws',
			'wss://app.example:8443/zmqws', 'wss://app.example:8443/gateway', 'ws://localhost:8080/zmqws',
			'ws://other:1/zmqws']);
	});

	test('listeners added right after connect() hear connecting, then open', async () => {
		const { connection, events, accept } = harness();
		await Promise.resolve();
		assert.deepEqual(events.map((event) => event.type), ['connecting']);
		accept();
		assert.deepEqual(events.map((event) => event.type), ['connecting', 'open']);
		assert.equal(connection.state, 'open');
	});

	test('the connection is open once the welcome arrived, and keeps session and limits', async () => {
		const { connection, accept, events } = harness();
		assert.equal(connection.state, 'connecting');
		const opened = connection.opened();
		accept();
		await opened;
		assert.equal(connection.state, 'open');
		assert.equal(connection.session, 'session-1');
		assert.equal(connection.limits.maxSockets, 64);
		assert.deepEqual(events.map((event) => event.type), ['open']);
	});
});

describe('request/reply', () => {
	test('requests made before the welcome wait, then go out after opening their socket', async () => {
		const { connection, ws, accept } = harness();
		const reply = connection.request('echo', 'hello');
		assert.deepEqual(ws().sent, []);
		accept();
		assert.deepEqual(ws().sent, [
			{ op: 'open', sid: 1, endpoint: 'echo' },
			{ op: 'request', sid: 1, id: 1, frames: ['hello'] },
		]);
		ws().deliver({ op: 'opened', sid: 1, endpoint: 'echo', type: 'REQ' });
		ws().deliver({ op: 'reply', sid: 1, id: 1, frames: ['echo', 'hello'] });
		assert.deepEqual(await reply, ['echo', 'hello']);
	});

	test('one REQ socket per endpoint is opened lazily and reused by many requests in flight', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const first = connection.request('echo', ['a', 'b']);
		const second = connection.request('echo', 'c', { timeout: 1500 });
		const other = connection.request('prices', 'eur');
		assert.deepEqual(ws().sent, [
			{ op: 'open', sid: 1, endpoint: 'echo' },
			{ op: 'request', sid: 1, id: 1, frames: ['a', 'b'] },
			{ op: 'request', sid: 1, id: 2, frames: ['c'], timeout: 1500 },
			{ op: 'open', sid: 2, endpoint: 'prices' },
			{ op: 'request', sid: 2, id: 3, frames: ['eur'] },
		]);
		// answers come in any order and are matched by id
		ws().deliver({ op: 'reply', sid: 2, id: 3, frames: ['1.08'] });
		ws().deliver({ op: 'reply', sid: 1, id: 2, frames: ['C'] });
		ws().deliver({ op: 'reply', sid: 1, id: 1, frames: ['A', 'B'] });
		assert.deepEqual(await Promise.all([first, second, other]), [['A', 'B'], ['C'], ['1.08']]);
	});

	test('binary frames go out as base64 and come back as Uint8Array', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const reply = connection.request('echo', ['text', new Uint8Array([0, 255])]);
		assert.deepEqual(ws().last('request').frames, ['text', { base64: 'AP8=' }]);
		ws().deliver({ op: 'reply', sid: 1, id: 1, frames: ['text', { base64: 'AP8=' }] });
		const [text, bytes] = await reply;
		assert.equal(text, 'text');
		assert.ok(bytes instanceof Uint8Array);
		assert.deepEqual([...bytes], [0, 255]);
	});

	test('an error answer rejects the request with the matching error class and code', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const timedOut = connection.request('echo', 'slow');
		const unavailable = connection.request('echo', 'down');
		ws().deliver({ op: 'error', code: 'timeout', message: 'No reply within 5000 ms', failedOp: 'request', sid: 1, id: 1 });
		ws().deliver({ op: 'error', code: 'backend_unavailable', message: 'No backend', failedOp: 'request', sid: 1, id: 2 });
		await assert.rejects(timedOut, (error) => error instanceof client.TimeoutError && error.code === 'timeout');
		await assert.rejects(unavailable, (error) => error instanceof client.ZmqwsError && error.code === 'backend_unavailable');
	});

	test('a failed open rejects the socket\'s requests with its error and the next request opens a new socket', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const failed = connection.request('nowhere', 'x');
		ws().deliver({ op: 'error', code: 'unknown_endpoint', message: "No endpoint named 'nowhere'", failedOp: 'open', sid: 1 });
		// the gateway then also refuses the request itself; that late error changes nothing
		ws().deliver({ op: 'error', code: 'unknown_socket', message: 'No socket 1 is open', failedOp: 'request', sid: 1, id: 1 });
		await assert.rejects(failed, { code: 'unknown_endpoint' });
		ws().clear();
		connection.request('nowhere', 'y').catch(() => {});
		assert.deepEqual(ws().sent, [
			{ op: 'open', sid: 2, endpoint: 'nowhere' },
			{ op: 'request', sid: 2, id: 2, frames: ['y'] },
		]);
	});

	test('an aborted request rejects at once and its late reply is ignored', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const controller = new AbortController();
		const request = connection.request('echo', 'x', { signal: controller.signal });
		controller.abort();
		await assert.rejects(request, (error) => error instanceof client.AbortedError && error.code === 'aborted');
		ws().deliver({ op: 'reply', sid: 1, id: 1, frames: ['late'] });
		await assert.rejects(connection.request('echo', 'y', { signal: controller.signal }), { code: 'aborted' });
	});

	test('a message larger than the gateway accepts is refused before sending', async () => {
		const { connection, ws, accept } = harness();
		accept({ op: 'welcome', session: 's', limits: { maxMessageSize: 100, maxSockets: 1, maxSubscriptions: 1, maxPendingRequests: 1 } });
		await assert.rejects(connection.request('echo', 'x'.repeat(200)), { code: 'message_too_large' });
		assert.equal(ws().sent.filter((message) => message.op === 'request').length, 0);
	});
});

describe('push', () => {
	test('a push resolves when the gateway acknowledges it', async () => {
		const { connection, ws, accept } = harness();
		accept();
		let done = false;
		const pushed = connection.push('events', ['resize', 'img-42']).then(() => {
			done = true;
		});
		assert.deepEqual(ws().sent, [
			{ op: 'open', sid: 1, endpoint: 'events' },
			{ op: 'push', sid: 1, id: 1, frames: ['resize', 'img-42'] },
		]);
		await settle();
		assert.equal(done, false);
		ws().deliver({ op: 'pushed', sid: 1, id: 1 });
		await pushed;
		assert.equal(done, true);
	});
});

describe('topic subscriptions', () => {
	test('messages reach the handlers whose topic prefixes their first frame', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const eur = [];
		const all = [];
		const subscription = connection.subscribe('ticker', 'ticker.EUR', (frames, info) => eur.push([frames, info.topic]));
		connection.subscribe('ticker', (frames) => all.push(frames));
		assert.deepEqual(ws().sent, [
			{ op: 'open', sid: 1, endpoint: 'ticker' },
			{ op: 'subscribe', sid: 1, topic: 'ticker.EUR' },
			{ op: 'subscribe', sid: 1, topic: '' },
		]);
		ws().deliver({ op: 'subscribed', sid: 1, topic: 'ticker.EUR' });
		await subscription.ready;
		ws().deliver({ op: 'message', sid: 1, frames: ['ticker.EURUSD', '1.08'] });
		ws().deliver({ op: 'message', sid: 1, frames: ['ticker.GBPUSD', '1.26'] });
		assert.deepEqual(eur, [[['ticker.EURUSD', '1.08'], 'ticker.EUR']]);
		assert.deepEqual(all, [['ticker.EURUSD', '1.08'], ['ticker.GBPUSD', '1.26']]);
	});

	test('binary topics match binary first frames byte by byte', () => {
		const { connection, ws, accept } = harness();
		accept();
		const received = [];
		connection.subscribe('raw', new Uint8Array([0xff]), (frames) => received.push(frames));
		assert.deepEqual(ws().last('subscribe').topic, { base64: '/w==' });
		ws().deliver({ op: 'message', sid: 1, frames: [{ base64: '/wA=' }, 'x'] });
		ws().deliver({ op: 'message', sid: 1, frames: ['other', 'y'] });
		assert.equal(received.length, 1);
		assert.deepEqual([...received[0][0]], [0xff, 0x00]);
	});

	test('the gateway hears unsubscribe only when the last handler of a topic is gone', () => {
		const { connection, ws, accept } = harness();
		accept();
		const seen = [];
		const one = connection.subscribe('ticker', 'a', () => seen.push('one'));
		const two = connection.subscribe('ticker', 'a', () => seen.push('two'));
		assert.equal(ws().sent.filter((message) => message.op === 'subscribe').length, 1);
		one.unsubscribe();
		assert.equal(ws().last('unsubscribe'), undefined);
		ws().deliver({ op: 'message', sid: 1, frames: ['a1'] });
		two.unsubscribe();
		assert.deepEqual(ws().last('unsubscribe'), { op: 'unsubscribe', sid: 1, topic: 'a' });
		ws().deliver({ op: 'message', sid: 1, frames: ['a2'] });
		assert.deepEqual(seen, ['two']);
	});

	test('a refused subscription rejects ready, stops its handlers and is reported as an error event', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const errors = [];
		connection.on('error', (error) => errors.push(error.code));
		const first = connection.subscribe('ticker', 'a', () => {});
		const second = connection.subscribe('ticker', 'b', () => {});
		ws().deliver({ op: 'subscribed', sid: 1, topic: 'a' });
		ws().deliver({ op: 'error', code: 'limit_exceeded', message: 'At most 1 subscriptions', failedOp: 'subscribe', sid: 1 });
		await first.ready;
		await assert.rejects(second.ready, { code: 'limit_exceeded' });
		assert.equal(second.active, false);
		assert.deepEqual(errors, ['limit_exceeded']);
	});

	test('dropped counts are reported with the message and as an event', () => {
		const { connection, ws, accept } = harness();
		accept();
		const dropped = [];
		const infos = [];
		connection.on('dropped', (count) => dropped.push(count));
		connection.subscribe('ticker', '', (frames, info) => infos.push(info.dropped));
		ws().deliver({ op: 'message', sid: 1, frames: ['t'], dropped: 12 });
		assert.deepEqual(dropped, [12]);
		assert.deepEqual(infos, [12]);
	});
});

describe('path subscriptions', () => {
	test('events of the path and the paths below it reach the handler', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const events = [];
		const subscription = connection.subscribe('/orders', (data, path) => events.push([path, data]));
		assert.deepEqual(ws().sent, [{ op: 'subscribe', path: '/orders' }]);
		ws().deliver({ op: 'subscribed', path: '/orders' });
		await subscription.ready;
		ws().deliver({ op: 'event', path: '/orders', data: { id: 1 } });
		ws().deliver({ op: 'event', path: '/orders/eu', data: { id: 2 } });
		ws().deliver({ op: 'event', path: '/ordersx', data: { id: 3 } });
		assert.deepEqual(events, [['/orders', { id: 1 }], ['/orders/eu', { id: 2 }]]);
		subscription.unsubscribe();
		assert.deepEqual(ws().last('unsubscribe'), { op: 'unsubscribe', path: '/orders' });
	});

	test('invalid paths are refused at once', () => {
		const { connection } = harness();
		assert.throws(() => connection.subscribe('/a//b', () => {}), TypeError);
		assert.throws(() => connection.subscribe('/a/', () => {}), TypeError);
	});

	test('a refused path subscription rejects ready', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const subscription = connection.subscribe('/secret', () => {});
		ws().deliver({ op: 'error', code: 'forbidden', message: 'Not allowed', failedOp: 'subscribe' });
		await assert.rejects(subscription.ready, (error) => error instanceof client.ForbiddenError);
	});
});

describe('ping', () => {
	test('ping resolves with the round trip when the pong with its id arrives', async () => {
		const { connection, ws, accept, timers } = harness();
		accept();
		const rtt = connection.ping();
		timers.now += 25;
		ws().deliver({ op: 'pong', id: ws().last('ping').id });
		assert.equal(await rtt, 25);
	});
});
