import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { batchOf, client, fakeEventSourceClass, fakeFetch, settle, sseHarness, utf8, WELCOME } from './support.mjs';

const SSE_WELCOME = { ...WELCOME, transport: 'sse', http: '1.1' };

describe('HTTP transport: opening', () => {
	test('the event stream is GET {path}/sse with the encoding as protocol, without credentials mode', () => {
		const { connection, source } = sseHarness();
		assert.equal(source().url, 'http://gateway.test/zmqws/sse?protocol=zmqws.v1.json');
		assert.equal(source().withCredentials, false);
		assert.equal(connection.transport, 'sse');
	});

	test('URLs follow the WebSocket URL: wss becomes https, path and query stay, the fragment goes', async () => {
		const { FakeEventSource, sources } = fakeEventSourceClass();
		const { fetch, requests } = fakeFetch();
		const connection = client.connect('wss://secure.test:8443/base/zmqws/?tenant=a#x', {
			transport: 'sse', EventSource: FakeEventSource, fetch });
		assert.equal(sources[0].url, 'https://secure.test:8443/base/zmqws/sse?tenant=a&protocol=zmqws.v1.json');
		sources[0].accept(SSE_WELCOME);
		const ping = assert.rejects(connection.ping(), { code: 'disconnected' });
		await settle();
		assert.equal(requests[0].url, 'https://secure.test:8443/base/zmqws/sse/session-1?tenant=a');
		connection.close();
		assert.equal(requests[1].method, 'DELETE');
		assert.equal(requests[1].url, 'https://secure.test:8443/base/zmqws/sse/session-1?tenant=a');
		await ping;
	});

	test('the welcome opens the connection and tells the session and the HTTP version', async () => {
		const { connection, accept, events } = sseHarness();
		assert.equal(connection.state, 'connecting');
		assert.equal(connection.http, null);
		accept({ ...SSE_WELCOME, http: '2' });
		await connection.opened();
		assert.equal(connection.session, 'session-1');
		assert.equal(connection.http, '2');
		assert.equal(connection.limits.maxSockets, 64);
		assert.deepEqual(events.map((event) => event.type), ['open']);
	});

	test('a stream that fails before the welcome is a failed attempt, retried after the backoff', () => {
		const { connection, source, sources, timers, events, deletes } = sseHarness();
		source().breakOff();
		assert.equal(connection.state, 'reconnecting');
		assert.ok(sources[0].closed, 'EventSource does not go on retrying by itself');
		assert.deepEqual(events.at(-1).details, { attempt: 1, delay: 375, code: 1006, reason: 'The event stream could not be opened' });
		assert.deepEqual(deletes(), [], 'no session to delete');
		timers.advance(375);
		assert.equal(sources.length, 2);
	});

	test('a welcome that does not come within handshakeTimeout is a failed attempt', () => {
		const { connection, sources, timers } = sseHarness({ handshakeTimeout: 2000 });
		timers.advance(2000);
		assert.equal(connection.state, 'reconnecting');
		assert.ok(sources[0].closed);
	});
});

describe('HTTP transport: sending', () => {
	test('what is sent in one task goes in one POST numbered 1, as NDJSON, with same-origin credentials', async () => {
		const { connection, accept, posts, lastPost } = sseHarness();
		accept();
		connection.request('echo', 'one');
		connection.rpc('calc.add', [1, 2]);
		await settle();
		assert.equal(posts().length, 1);
		const post = lastPost();
		assert.equal(post.url, 'http://gateway.test/zmqws/sse/session-1');
		assert.deepEqual(post.headers, { 'Content-Type': 'application/x-ndjson', 'Zmqws-Seq': '1' });
		assert.equal(post.init.credentials, 'same-origin');
		assert.equal(post.body, '{"op":"open","sid":1,"endpoint":"echo"}\n'
			+ '{"op":"request","sid":1,"id":1,"frames":["one"]}\n'
			+ '{"op":"call","id":2,"method":"calc.add","args":[1,2]}\n');
	});

	test('one POST at a time: what is sent meanwhile goes in the next, in order', async () => {
		const { connection, accept, posts, source } = sseHarness();
		accept();
		const one = connection.request('echo', 'one');
		await settle();
		const two = connection.request('echo', 'two');
		const pushed = connection.push('events', 'x');
		const three = connection.request('echo', 'three');
		await settle();
		assert.equal(posts().length, 1);
		posts()[0].respond(204);
		await settle();
		assert.equal(posts().length, 2);
		assert.equal(posts()[1].headers['Zmqws-Seq'], '2');
		assert.deepEqual(batchOf(posts()[1]), [
			{ op: 'request', sid: 1, id: 2, frames: ['two'] },
			{ op: 'open', sid: 2, endpoint: 'events' },
			{ op: 'push', sid: 2, id: 3, frames: ['x'] },
			{ op: 'request', sid: 1, id: 4, frames: ['three'] },
		]);
		posts()[1].respond(204);
		await settle();
		assert.equal(posts().length, 2, 'nothing left to post');
		source().deliver({ op: 'reply', sid: 1, id: 4, frames: ['THREE'] });
		source().deliver({ op: 'reply', sid: 1, id: 1, frames: ['ONE'] });
		source().deliver({ op: 'pushed', sid: 2, id: 3 });
		source().deliver({ op: 'reply', sid: 1, id: 2, frames: ['TWO'] });
		assert.deepEqual(await Promise.all([one, two, pushed, three]), [['ONE'], ['TWO'], undefined, ['THREE']]);
	});

	test('a POST that fails on the network is sent again with the same number and body', async () => {
		const { connection, accept, posts, timers } = sseHarness();
		accept();
		connection.ping();
		await settle();
		posts()[0].fail();
		await settle();
		connection.push('events', 'later');
		await settle();
		assert.equal(posts().length, 1);
		timers.advance(250);
		assert.equal(posts().length, 2);
		assert.equal(posts()[1].headers['Zmqws-Seq'], '1');
		assert.equal(posts()[1].body, posts()[0].body);
		posts()[1].respond(503);
		await settle();
		timers.advance(499);
		assert.equal(posts().length, 2);
		timers.advance(1);
		assert.equal(posts()[2].headers['Zmqws-Seq'], '1');
		assert.equal(posts()[2].body, posts()[0].body);
		posts()[2].respond(204);
		await settle();
		assert.equal(posts()[3].headers['Zmqws-Seq'], '2');
		assert.deepEqual(batchOf(posts()[3]).map((message) => message.op), ['open', 'push']);
		assert.equal(connection.state, 'open');
	});

	test('POSTs failing for longer than resumeTimeout end the session: a new one follows', async () => {
		const { connection, accept, posts, timers, sources, events } = sseHarness({ resumeTimeout: 1000 });
		accept();
		const pending = assert.rejects(connection.ping(), { code: 'disconnected' });
		await settle();
		for (let i = 0; i < 4; i++) {
			posts().at(-1).fail();
			await settle();
			timers.advance(400);
		}
		assert.equal(connection.state, 'reconnecting');
		assert.match(events.at(-1).details.reason, /could not be posted for 1000 ms/);
		await pending;
		assert.ok(sources[0].closed);
	});

	test('409 (a number out of order) ends the session: in-flight operations fail, a new session restores', async () => {
		const { connection, accept, posts, source, sources, timers, events, deletes } = sseHarness();
		accept();
		connection.subscribe('/news', () => {});
		const pending = assert.rejects(connection.request('echo', 'x'), (error) => error instanceof client.DisconnectedError);
		await settle();
		posts()[0].respond(409);
		await settle();
		assert.equal(connection.state, 'reconnecting');
		assert.equal(events.at(-1).details.code, 1002);
		await pending;
		assert.ok(sources[0].closed);
		assert.deepEqual(deletes().map((request) => request.url), ['http://gateway.test/zmqws/sse/session-1']);
		timers.advance(375);
		assert.equal(sources.length, 2);
		source().accept({ ...SSE_WELCOME, session: 'session-2' });
		await settle();
		assert.equal(posts()[1].url, 'http://gateway.test/zmqws/sse/session-2');
		assert.equal(posts()[1].headers['Zmqws-Seq'], '1');
		assert.deepEqual(batchOf(posts()[1]), [{ op: 'open', sid: 1, endpoint: 'echo' }, { op: 'subscribe', path: '/news' }]);
	});

	test('404 (the session is gone) reconnects with a new session and deletes nothing', async () => {
		const { connection, accept, posts, sources, deletes } = sseHarness();
		accept();
		const pending = assert.rejects(connection.ping(), { code: 'disconnected' });
		await settle();
		posts()[0].respond(404);
		await settle();
		assert.equal(connection.state, 'reconnecting');
		assert.ok(sources[0].closed);
		assert.deepEqual(deletes(), []);
		await pending;
	});

	test('403 (another user, or a refused origin) ends the session like a close with 1008', async () => {
		const { connection, accept, posts, events } = sseHarness({ reconnect: false });
		accept();
		const pending = assert.rejects(connection.rpc('calc.add', [1, 1]), { code: 'disconnected' });
		await settle();
		posts()[0].respond(403);
		await settle();
		assert.equal(connection.state, 'closed');
		assert.equal(events.at(-1).details.code, 1008);
		await pending;
	});

	test('413 splits a batch and posts it again under the same number; a single message too large fails alone', async () => {
		const { connection, accept, posts, source } = sseHarness();
		accept();
		const first = connection.push('a', 'x');
		const second = connection.push('b', 'y');
		await settle();
		assert.equal(batchOf(posts()[0]).length, 4);
		posts()[0].respond(413);
		await settle();
		assert.equal(posts()[1].headers['Zmqws-Seq'], '1');
		const retried = batchOf(posts()[1]);
		assert.ok(retried.length < 4);
		posts()[1].respond(204);
		await settle();
		assert.equal(posts()[2].headers['Zmqws-Seq'], '2');
		assert.deepEqual([...retried, ...batchOf(posts()[2])], batchOf(posts()[0]), 'every message once, in order');
		posts()[2].respond(204);
		source().deliver({ op: 'pushed', sid: 1, id: 1 });
		source().deliver({ op: 'pushed', sid: 2, id: 2 });
		await Promise.all([first, second]);

		const tooLarge = assert.rejects(connection.push('a', 'z'.repeat(1000)), { code: 'message_too_large' });
		await settle();
		posts()[3].respond(413);
		await settle();
		await tooLarge;
		const after = connection.push('a', 'small');
		await settle();
		assert.equal(posts()[4].headers['Zmqws-Seq'], '3', 'the refused number is used again');
		assert.deepEqual(batchOf(posts()[4]), [{ op: 'push', sid: 1, id: 4, frames: ['small'] }]);
		posts()[4].respond(204);
		source().deliver({ op: 'pushed', sid: 1, id: 4 });
		await after;
	});

	test('a maxBatchSize in the welcome limits each POST and refuses larger messages at once', async () => {
		const { connection, accept, posts } = sseHarness();
		accept({ ...SSE_WELCOME, limits: { ...SSE_WELCOME.limits, maxBatchSize: 120 } });
		await assert.rejects(connection.push('events', 'x'.repeat(200)), { code: 'message_too_large' });
		connection.ping();
		connection.ping();
		connection.ping();
		connection.ping();
		await settle();
		assert.ok(posts()[0].body.length <= 120);
		assert.ok(batchOf(posts()[0]).length < 5);
	});

	test('with a token, auth goes first; restore and the queue follow once authenticated', async () => {
		const { connection, accept, posts, source } = sseHarness({ token: 'secret' });
		connection.subscribe('/news', () => {});
		connection.ping();
		accept();
		await settle();
		assert.deepEqual(batchOf(posts()[0]), [{ op: 'auth', token: 'secret' }]);
		source().deliver({ op: 'authenticated', user: 'alice' });
		await settle();
		assert.equal(connection.state, 'open');
		assert.equal(posts().length, 1, 'waits for the first POST to be accepted');
		posts()[0].respond(204);
		await settle();
		assert.deepEqual(batchOf(posts()[1]), [{ op: 'subscribe', path: '/news' }, { op: 'ping', id: 1 }]);
	});
});

describe('HTTP transport: the event stream', () => {
	test('a broken stream resumes by itself with Last-Event-ID; operations in flight survive', async () => {
		const { connection, accept, posts, source, sources, timers, events } = sseHarness();
		accept();
		const reply = connection.request('echo', 'x');
		await settle();
		posts()[0].respond(204);
		source().breakOff();
		assert.equal(connection.state, 'open');
		source().resume();
		assert.deepEqual(source().resumedWith, ['session-1:1']);
		source().deliver({ op: 'reply', sid: 1, id: 1, frames: ['x'] });
		assert.deepEqual(await reply, ['x']);
		timers.advance(60_000);
		assert.equal(sources.length, 1);
		assert.deepEqual(events.map((event) => event.type), ['open']);
	});

	test('a stream that does not resume within resumeTimeout ends the session', async () => {
		const { connection, accept, source, sources, timers, deletes } = sseHarness({ resumeTimeout: 5000 });
		accept();
		const pending = connection.ping();
		source().breakOff();
		timers.advance(4999);
		assert.equal(connection.state, 'open');
		timers.advance(1);
		assert.equal(connection.state, 'reconnecting');
		assert.ok(sources[0].closed);
		await assert.rejects(pending, { code: 'disconnected' });
		assert.deepEqual(deletes().map((request) => request.url), ['http://gateway.test/zmqws/sse/session-1']);
	});

	test('a resume the gateway refuses (404: EventSource closes) reconnects with a new session and restores', async () => {
		const { connection, accept, source, sources, timers, posts } = sseHarness();
		accept();
		const prices = [];
		connection.subscribe('ticker', 'EUR', (frames) => prices.push(frames[1]));
		const pending = connection.request('echo', 'x');
		await settle();
		posts()[0].respond(204);
		source().breakOff();
		source().refuse();
		assert.equal(connection.state, 'reconnecting');
		await assert.rejects(pending, { code: 'disconnected' });
		timers.advance(375);
		assert.equal(sources.length, 2);
		source().accept({ ...SSE_WELCOME, session: 'session-2' });
		await settle();
		assert.deepEqual(batchOf(posts()[1]), [
			{ op: 'open', sid: 1, endpoint: 'ticker' },
			{ op: 'subscribe', sid: 1, topic: 'EUR' },
			{ op: 'open', sid: 2, endpoint: 'echo' },
		]);
		source().deliver({ op: 'message', sid: 1, frames: ['EURUSD', '1.09'] });
		assert.deepEqual(prices, ['1.09']);
	});

	test('event: close ends the session with its code and reason; the stream is not resumed', () => {
		const { connection, accept, source, sources, events, deletes } = sseHarness();
		accept();
		source().closeSession(1008, 'Credentials expired');
		assert.equal(connection.state, 'reconnecting');
		assert.equal(events.at(-1).details.code, 1008);
		assert.equal(events.at(-1).details.reason, 'Credentials expired');
		assert.ok(sources[0].closed);
		assert.deepEqual(deletes(), []);
	});

	test('event: close without reconnecting closes the connection with that code', () => {
		const { connection, accept, source, events } = sseHarness({ reconnect: false });
		accept();
		source().closeSession(1001, 'Server is shutting down');
		assert.equal(connection.state, 'closed');
		assert.deepEqual(events.at(-1), { type: 'closed', details: { code: 1001, reason: 'Server is shutting down' } });
	});

	test('an event that does not decode is reported as bad_message and the stream goes on', async () => {
		const { connection, accept, source } = sseHarness();
		accept();
		const errors = [];
		connection.on('error', (error) => errors.push(error.code));
		source().dispatch('message', 'not json', 'session-1:2');
		const pong = connection.ping();
		source().deliver({ op: 'pong', id: 1 });
		await pong;
		assert.deepEqual(errors, ['bad_message']);
	});

	test('error messages reject their operation with the error class and code', async () => {
		const { connection, accept, source } = sseHarness();
		accept();
		const call = connection.rpc('calc.divide', [1, 0]);
		source().deliver({ op: 'error', code: 'division_by_zero', message: 'Cannot divide by zero', failedOp: 'call', id: 1 });
		await assert.rejects(call, { code: 'division_by_zero', message: 'Cannot divide by zero' });
		const denied = connection.request('secret', 'x');
		source().deliver({ op: 'error', code: 'forbidden', message: 'No', failedOp: 'request', sid: 1, id: 2 });
		await assert.rejects(denied, (error) => error instanceof client.ForbiddenError);
	});

	test('close() deletes the session, closes the stream and fails what is in flight', async () => {
		const { connection, accept, source, deletes, events } = sseHarness();
		accept();
		const pending = connection.ping();
		connection.close();
		assert.ok(source().closed);
		assert.equal(connection.state, 'closed');
		assert.deepEqual(events.at(-1), { type: 'closed', details: { code: 1000, reason: 'Client closed' } });
		assert.equal(deletes().length, 1);
		assert.equal(deletes()[0].url, 'http://gateway.test/zmqws/sse/session-1');
		assert.equal(deletes()[0].init.keepalive, true);
		await assert.rejects(pending, { code: 'disconnected' });
	});
});

describe('HTTP transport with MessagePack', () => {
	test('events carry base64 MessagePack; POSTs carry a MessagePack stream with bin frames', async () => {
		const { connection, accept, source, posts } = sseHarness({ encoding: 'msgpack' });
		assert.equal(source().url, 'http://gateway.test/zmqws/sse?protocol=zmqws.v1.msgpack');
		accept({ ...SSE_WELCOME, protocol: 'zmqws.v1.msgpack' });
		const reply = connection.request('echo', ['é', new Uint8Array([0, 255])]);
		connection.rpc('calc.add', [2 ** 40, 0.5]);
		await settle();
		const post = posts()[0];
		assert.deepEqual(post.headers, { 'Content-Type': 'application/vnd.msgpack', 'Zmqws-Seq': '1' });
		assert.ok(post.body instanceof Uint8Array);
		assert.deepEqual(batchOf(post), [
			{ op: 'open', sid: 1, endpoint: 'echo' },
			{ op: 'request', sid: 1, id: 1, frames: [utf8('é'), new Uint8Array([0, 255])] },
			{ op: 'call', id: 2, method: 'calc.add', args: [2 ** 40, 0.5] },
		]);
		source().deliver({ op: 'reply', sid: 1, id: 1, frames: [utf8('é'), new Uint8Array([0, 255])] });
		assert.deepEqual(await reply, ['é', new Uint8Array([0, 255])]);
	});

	test('an event that is not base64 MessagePack is reported as bad_message', () => {
		const { connection, accept, source } = sseHarness({ encoding: 'msgpack' });
		accept({ ...SSE_WELCOME, protocol: 'zmqws.v1.msgpack' });
		const errors = [];
		connection.on('error', (error) => errors.push(error.message));
		source().dispatch('message', '%%%', 'session-1:2');
		source().dispatch('message', client.toBase64(new Uint8Array([0xc1])), 'session-1:3');
		assert.equal(errors.length, 2);
		assert.match(errors[0], /not base64/);
		assert.match(errors[1], /not MessagePack/);
	});
});

describe('HTTP transport: compatibility APIs', () => {
	test('ZmqWebBridge and Zephserver code works unchanged', async () => {
		const { connection, accept, source, posts } = sseHarness();
		accept();
		const context = new client.zmq.Context(connection);
		const sub = context.Socket(client.zmq.SUB);
		const messages = [];
		sub.onmessage = (message) => messages.push(message);
		sub.connect('ticker', 'EUR');
		const zeph = new client.Zephserver(connection);
		const results = [];
		zeph.subscribe('chat.post', (data) => results.push(data));
		const sent = zeph.send('chat.post', { text: 'hi' });
		await settle();
		assert.deepEqual(batchOf(posts()[0]).map((message) => message.op), ['open', 'subscribe', 'subscribe', 'call']);
		source().deliver({ op: 'message', sid: 1, frames: ['EURUSD', '1.09'] });
		source().deliver({ op: 'result', id: 1, value: { text: 'hi' } });
		await sent;
		assert.deepEqual(messages, [['EURUSD', '1.09']]);
		assert.deepEqual(results, [{ text: 'hi' }]);
	});
});
