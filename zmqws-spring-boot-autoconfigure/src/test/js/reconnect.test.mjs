import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { client, harness, settle } from './support.mjs';

describe('backoff', () => {
	test('delays grow by the factor up to the maximum, less a random part up to the jitter', () => {
		let random = 0;
		const { connection } = harness({
			random: () => random,
			reconnect: { initialDelay: 100, factor: 2, maxDelay: 1000, jitter: 0.5 },
		});
		assert.deepEqual([1, 2, 3, 4, 5, 6].map((attempt) => connection.backoffDelay(attempt)), [100, 200, 400, 800, 1000, 1000]);
		random = 0.999999;
		assert.deepEqual([1, 2, 5].map((attempt) => connection.backoffDelay(attempt)), [50, 100, 500]);
		random = 0.5;
		assert.equal(connection.backoffDelay(3), 300);
	});

	test('each failed attempt waits longer; a successful one resets the delay', () => {
		const { connection, timers, sockets, ws, events, accept } = harness({
			reconnect: { initialDelay: 100, factor: 2, maxDelay: 1000, jitter: 0.5 },
		});
		ws().drop(1006);
		assert.equal(connection.state, 'reconnecting');
		assert.deepEqual(events.at(-1).details, { attempt: 1, delay: 75, code: 1006, reason: '' });
		timers.advance(74);
		assert.equal(sockets.length, 1);
		timers.advance(1);
		assert.equal(sockets.length, 2);
		ws().drop(1006);
		assert.equal(events.at(-1).details.delay, 150);
		timers.advance(150);
		ws().drop(1006);
		assert.equal(events.at(-1).details.delay, 300);
		timers.advance(300);
		accept();
		assert.equal(connection.state, 'open');
		ws().drop(1001, 'Server is shutting down');
		assert.deepEqual(events.at(-1).details, { attempt: 1, delay: 75, code: 1001, reason: 'Server is shutting down' });
	});

	test('state events follow connecting, open, reconnecting, open, closed', () => {
		const { connection, timers, ws, accept } = harness();
		const states = [];
		connection.on('state', (state, previous) => states.push(`${previous}->${state}`));
		accept();
		ws().drop();
		timers.advance(1000);
		accept();
		connection.close();
		assert.deepEqual(states, ['connecting->open', 'open->reconnecting', 'reconnecting->open', 'open->closed']);
	});

	test('with maxAttempts reached the connection gives up and is closed', async () => {
		const { connection, timers, ws } = harness({ reconnect: { maxAttempts: 2 } });
		const queued = connection.request('echo', 'x');
		ws().drop();
		timers.advance(1000);
		ws().drop();
		timers.advance(2000);
		ws().drop();
		assert.equal(connection.state, 'closed');
		await assert.rejects(queued, (error) => error instanceof client.DisconnectedError);
	});

	test('reconnect: false closes for good on the first drop', () => {
		const { connection, ws, sockets, timers, accept } = harness({ reconnect: false });
		accept();
		ws().drop();
		timers.advance(60_000);
		assert.equal(connection.state, 'closed');
		assert.equal(sockets.length, 1);
	});

	test('a handshake that does not finish in time is abandoned and retried', () => {
		const { connection, timers, sockets } = harness({ handshakeTimeout: 1000 });
		timers.advance(999);
		assert.equal(connection.state, 'connecting');
		timers.advance(1);
		assert.equal(connection.state, 'reconnecting');
		assert.deepEqual(sockets[0].closedWith, { code: 4000, reason: 'Handshake timed out' });
		timers.advance(1000);
		assert.equal(sockets.length, 2);
	});
});

describe('disconnect', () => {
	test('requests, pushes and calls in flight reject with DisconnectedError when the connection drops', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const request = connection.request('echo', 'x');
		const push = connection.push('events', 'y');
		const call = connection.rpc('calc.add', [1, 2]);
		const stream = connection.stream('calc.ticks');
		const methods = connection.methods();
		const next = stream.next();
		ws().drop(1006);
		for (const pending of [request, push, call, methods, next]) {
			await assert.rejects(pending, (error) => error instanceof client.DisconnectedError && error.code === 'disconnected');
		}
	});

	test('close() rejects what is queued, stops reconnecting and refuses new work', async () => {
		const { connection, timers, sockets } = harness();
		const queued = connection.request('echo', 'x');
		connection.close();
		await assert.rejects(queued, { code: 'disconnected' });
		await assert.rejects(connection.rpc('calc.add', [1, 1]), { code: 'disconnected' });
		await assert.rejects(connection.opened(), { code: 'disconnected' });
		timers.advance(60_000);
		assert.equal(sockets.length, 1);
		assert.equal(connection.state, 'closed');
	});
});

describe('offline queue', () => {
	test('operations made while offline are kept up to the bound; more are refused with QueueFullError', async () => {
		const { connection, ws, accept } = harness({ maxQueue: 2 });
		const first = connection.request('echo', '1');
		const second = connection.rpc('calc.add', [1, 1]);
		await assert.rejects(connection.request('echo', '3'), (error) => error instanceof client.QueueFullError
			&& error.code === 'queue_full' && /queue is full \(2/.test(error.message));
		assert.equal(connection.queued, 2);
		accept();
		assert.deepEqual(ws().ops(), ['open', 'request', 'call']);
		ws().deliver({ op: 'reply', sid: 1, id: 1, frames: ['one'] });
		ws().deliver({ op: 'result', id: 2, value: 2 });
		assert.deepEqual(await first, ['one']);
		assert.equal(await second, 2);
	});

	test('the default bound is 100 operations', async () => {
		const { connection } = harness();
		const queued = [];
		for (let i = 0; i < 100; i++) {
			queued.push(connection.push('events', String(i)));
		}
		await assert.rejects(connection.push('events', 'one too many'), { code: 'queue_full' });
		assert.equal(connection.queued, 100);
		connection.close();
		await Promise.allSettled(queued);
	});

	test('operations queued while reconnecting go out after the restore, in order', () => {
		const { connection, ws, timers, accept } = harness();
		accept();
		connection.subscribe('ticker', 'ticker.', () => {});
		ws().drop();
		connection.request('echo', 'while offline');
		connection.push('events', 'also offline');
		timers.advance(1000);
		accept();
		assert.deepEqual(ws().sent, [
			{ op: 'open', sid: 1, endpoint: 'ticker' },
			{ op: 'subscribe', sid: 1, topic: 'ticker.' },
			{ op: 'open', sid: 2, endpoint: 'echo' },
			{ op: 'open', sid: 3, endpoint: 'events' },
			{ op: 'request', sid: 2, id: 1, frames: ['while offline'] },
			{ op: 'push', sid: 3, id: 2, frames: ['also offline'] },
		]);
	});
});

describe('restore', () => {
	test('after reconnecting, sockets, topic and path subscriptions and functions are restored without application code', async () => {
		const { connection, ws, timers, accept } = harness();
		accept();
		const prices = [];
		const events = [];
		const notes = [];
		connection.subscribe('ticker', 'ticker.EUR', (frames) => prices.push(frames[1]));
		connection.subscribe('ticker', new Uint8Array([1]), () => {});
		connection.subscribe('/news', (data) => events.push(data));
		connection.register('notify', (text) => notes.push(text));
		const reply = connection.request('echo', 'before');
		ws().deliver({ op: 'reply', sid: 2, id: 1, frames: ['echo', 'before'] });
		await reply;

		ws().drop(1001, 'Server is shutting down');
		timers.advance(1000);
		accept();
		assert.deepEqual(ws().sent, [
			{ op: 'open', sid: 1, endpoint: 'ticker' },
			{ op: 'subscribe', sid: 1, topic: 'ticker.EUR' },
			{ op: 'subscribe', sid: 1, topic: { base64: 'AQ==' } },
			{ op: 'open', sid: 2, endpoint: 'echo' },
			{ op: 'subscribe', path: '/news' },
			{ op: 'register', name: 'notify' },
		]);
		ws().deliver({ op: 'message', sid: 1, frames: ['ticker.EURUSD', '1.09'] });
		ws().deliver({ op: 'event', path: '/news', data: 'restored' });
		ws().deliver({ op: 'invoke', function: 'notify', args: ['hello again'] });
		await settle();
		assert.deepEqual(prices, ['1.09']);
		assert.deepEqual(events, ['restored']);
		assert.deepEqual(notes, ['hello again']);
		ws().clear();
		connection.request('echo', 'after');
		assert.deepEqual(ws().sent, [{ op: 'request', sid: 2, id: 2, frames: ['after'] }]);
	});

	test('what was unsubscribed or unregistered while offline is not restored', () => {
		const { connection, ws, timers, accept } = harness();
		accept();
		const topic = connection.subscribe('ticker', 'a', () => {});
		const path = connection.subscribe('/news', () => {});
		const registration = connection.register('notify', () => {});
		ws().drop();
		topic.unsubscribe();
		path.unsubscribe();
		registration.unregister();
		timers.advance(1000);
		accept();
		assert.deepEqual(ws().sent, [{ op: 'open', sid: 1, endpoint: 'ticker' }]);
	});

	test('subscriptions made while offline are sent once connected, not queued', () => {
		const { connection, ws, accept } = harness({ maxQueue: 0 });
		connection.subscribe('ticker', 't', () => {});
		connection.subscribe('/news', () => {});
		connection.register('notify', () => {});
		accept();
		assert.deepEqual(ws().ops(), ['open', 'subscribe', 'subscribe', 'register']);
	});
});
