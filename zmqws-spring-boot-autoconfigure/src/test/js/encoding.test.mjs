import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { client, harness, settle, utf8, WELCOME } from './support.mjs';

const MSGPACK_WELCOME = { ...WELCOME, protocol: 'zmqws.v1.msgpack' };

function msgpackHarness(options = {}) {
	const setup = harness({ encoding: 'msgpack', ...options });
	return { ...setup, accept: (welcome = MSGPACK_WELCOME) => setup.accept(welcome) };
}

describe('MessagePack encoding over the WebSocket', () => {
	test('the WebSocket offers zmqws.v1.msgpack, reads binary messages as ArrayBuffers and sends binary ones', async () => {
		const { connection, ws, accept } = msgpackHarness();
		assert.equal(ws().protocols, 'zmqws.v1.msgpack');
		assert.equal(ws().binaryType, 'arraybuffer');
		assert.equal(connection.encoding, 'msgpack');
		accept();
		await connection.opened();
		connection.ping();
		assert.deepEqual(ws().binary, [true]);
		assert.deepEqual(ws().sent, [{ op: 'ping', id: 1 }]);
	});

	test('the JSON encoding is the default and offers zmqws.v1.json', () => {
		const { connection, ws } = harness();
		assert.equal(connection.encoding, 'json');
		assert.equal(ws().protocols, client.PROTOCOLS.json);
		assert.throws(() => harness({ encoding: 'xml' }), /Unknown encoding 'xml'/);
	});

	test('request frames go as bin, strings as their UTF-8 bytes', async () => {
		const { connection, ws, accept } = msgpackHarness();
		accept();
		const reply = connection.request('echo', ['héllo', new Uint8Array([0, 255]), new Uint16Array([0x0102]).buffer]);
		assert.deepEqual(ws().sent, [
			{ op: 'open', sid: 1, endpoint: 'echo' },
			{ op: 'request', sid: 1, id: 1, frames: [utf8('héllo'), new Uint8Array([0, 255]), new Uint8Array(new Uint16Array([0x0102]).buffer)] },
		]);
		ws().deliver({ op: 'reply', sid: 1, id: 1, frames: [utf8('héllo'), new Uint8Array([0, 255])] });
		assert.deepEqual(await reply, ['héllo', new Uint8Array([0, 255])]);
	});

	test('bytes are taken when the operation starts: changing them afterwards changes nothing', () => {
		const { connection, ws, accept } = msgpackHarness();
		const frame = new Uint8Array([1, 2, 3]);
		connection.push('events', frame);
		frame[0] = 99;
		accept();
		assert.deepEqual(ws().last('push').frames, [new Uint8Array([1, 2, 3])]);
	});

	test('received bin frames are what the JSON encoding gives: text when valid UTF-8, else bytes', async () => {
		const { connection, ws, accept } = msgpackHarness();
		accept();
		const reply = connection.request('echo', 'x');
		ws().deliver({ op: 'reply', sid: 1, id: 1, frames: [utf8('zmq ☃ 😀'), new Uint8Array([0xc3, 0x28]), new Uint8Array(0), utf8('\ufeffbom'), 'a str frame'] });
		const frames = await reply;
		assert.equal(frames[0], 'zmq ☃ 😀');
		assert.ok(frames[1] instanceof Uint8Array);
		assert.deepEqual([...frames[1]], [0xc3, 0x28]);
		assert.equal(frames[2], '');
		assert.equal(frames[3], '\ufeffbom');
		assert.equal(frames[4], 'a str frame');
	});

	test('topics go as bin; published messages and subscribed topics in bin match as in JSON', async () => {
		const { connection, ws, accept } = msgpackHarness();
		accept();
		const prices = [];
		const raw = [];
		const sub = connection.subscribe('ticker', 'ticker.EUR', (frames, info) => prices.push([frames, info.topic]));
		connection.subscribe('ticker', new Uint8Array([0xff]), (frames) => raw.push(frames));
		assert.deepEqual(ws().sent.slice(1), [
			{ op: 'subscribe', sid: 1, topic: utf8('ticker.EUR') },
			{ op: 'subscribe', sid: 1, topic: new Uint8Array([0xff]) },
		]);
		ws().deliver({ op: 'subscribed', sid: 1, topic: utf8('ticker.EUR') });
		await sub.ready;
		ws().deliver({ op: 'message', sid: 1, frames: [utf8('ticker.EURUSD'), utf8('1.09')] });
		ws().deliver({ op: 'message', sid: 1, frames: [new Uint8Array([0xff, 0x01]), new Uint8Array([0x80])] });
		assert.deepEqual(prices, [[['ticker.EURUSD', '1.09'], 'ticker.EUR']]);
		assert.deepEqual(raw, [[new Uint8Array([0xff, 0x01]), new Uint8Array([0x80])]]);
		sub.unsubscribe();
		assert.deepEqual(ws().last('unsubscribe'), { op: 'unsubscribe', sid: 1, topic: utf8('ticker.EUR') });
	});

	test('RPC arguments and results travel as MessagePack values; 64-bit integers beyond 2^53 arrive as BigInt', async () => {
		const { connection, ws, accept } = msgpackHarness();
		accept();
		const sum = connection.rpc('calc.add', [2, 0.5], { exact: true, note: 'ü' });
		assert.deepEqual(ws().last('call'), { op: 'call', id: 1, method: 'calc.add', args: [2, 0.5], kwargs: { exact: true, note: 'ü' } });
		ws().deliver({ op: 'result', id: 1, value: { sum: 2.5, big: 18446744073709551615n, small: -5, none: null } });
		assert.deepEqual(await sum, { sum: 2.5, big: 18446744073709551615n, small: -5, none: null });
	});

	test('bin inside results, events and invoke arguments arrives as base64 text, as JSON gives it', async () => {
		const { connection, ws, accept } = msgpackHarness();
		accept();
		const result = connection.rpc('files.read', ['a']);
		const events = [];
		connection.subscribe('/files', (data) => events.push(data));
		const calls = [];
		connection.register('store', (...args) => calls.push(args));
		ws().deliver({ op: 'result', id: 1, value: { name: 'a', content: new Uint8Array([0, 1, 2, 255]) } });
		ws().deliver({ op: 'event', path: '/files', data: [new Uint8Array([104, 105])] });
		ws().deliver({ op: 'invoke', function: 'store', args: [new Uint8Array([255])] });
		await settle();
		assert.deepEqual(await result, { name: 'a', content: 'AAEC/w==' });
		assert.deepEqual(events, [['aGk=']]);
		assert.deepEqual(calls, [['/w==']]);
	});

	test('functions the server calls answer in MessagePack; a value it cannot carry is answered with an error', async () => {
		const { connection, ws, accept } = msgpackHarness();
		accept();
		connection.register('sum', (a, b) => a + b);
		connection.register('huge', () => 2n ** 70n);
		ws().deliver({ op: 'invoke', cid: 4, function: 'sum', args: [40, 2] });
		ws().deliver({ op: 'invoke', cid: 5, function: 'huge', args: [] });
		await settle();
		const returns = ws().sent.filter((message) => message.op === 'return');
		assert.deepEqual(returns[0], { op: 'return', cid: 4, value: 42 });
		assert.equal(returns[1].cid, 5);
		assert.match(returns[1].error, /^The result cannot be sent as MessagePack: .*64-bit/);
	});

	test('a text message on a MessagePack connection, or undecodable bytes, is reported as bad_message', async () => {
		const { connection, ws, accept } = msgpackHarness();
		accept();
		const errors = [];
		connection.on('error', (error) => errors.push(error));
		ws().deliverRaw('{"op":"pong","id":1}');
		ws().deliverRaw(new Uint8Array([0x82, 0xa2]).buffer);
		assert.deepEqual(errors.map((error) => error.code), ['bad_message', 'bad_message']);
		assert.match(errors[0].message, /expects binary frames/);
		assert.match(errors[1].message, /not MessagePack/);
		assert.equal(connection.state, 'open');
	});

	test('a binary message on a JSON connection is reported as bad_message', () => {
		const { connection, ws, accept } = harness();
		accept();
		const errors = [];
		connection.on('error', (error) => errors.push(error));
		ws().deliverRaw(new Uint8Array([0x80]).buffer);
		ws().deliverRaw('not json');
		assert.deepEqual(errors.map((error) => error.message), ['Protocol zmqws.v1.json expects text frames',
			'The gateway sent a message that is not JSON']);
	});

	test('errors arrive as error classes with their codes', async () => {
		const { connection, ws, accept } = msgpackHarness();
		accept();
		const request = connection.request('echo', 'x', { timeout: 100 });
		ws().deliver({ op: 'error', code: 'timeout', message: 'No reply within 100 ms', failedOp: 'request', sid: 1, id: 1 });
		await assert.rejects(request, (error) => error instanceof client.TimeoutError && error.sid === 1);
	});

	test('the size limit counts the MessagePack bytes', async () => {
		const { connection, ws, accept } = msgpackHarness();
		accept({ ...MSGPACK_WELCOME, limits: { ...MSGPACK_WELCOME.limits, maxMessageSize: 100 } });
		// 60 bytes of bin fit, although their JSON (base64) would not
		const fits = connection.push('events', new Uint8Array(60));
		await assert.rejects(connection.push('events', new Uint8Array(100)), { code: 'message_too_large' });
		assert.equal(ws().sent.filter((message) => message.op === 'push').length, 1);
		ws().deliver({ op: 'pushed', sid: 1, id: 1 });
		await fits;
	});

	test('after a reconnect everything is restored in MessagePack', () => {
		const { connection, ws, timers, accept } = msgpackHarness();
		accept();
		connection.subscribe('ticker', 'ticker.', () => {});
		connection.subscribe('/news', () => {});
		connection.register('notify', () => {});
		ws().drop(1001, 'Server is shutting down');
		connection.request('echo', 'queued');
		timers.advance(1000);
		accept();
		assert.deepEqual(ws().sent, [
			{ op: 'open', sid: 1, endpoint: 'ticker' },
			{ op: 'subscribe', sid: 1, topic: utf8('ticker.') },
			{ op: 'open', sid: 2, endpoint: 'echo' },
			{ op: 'subscribe', path: '/news' },
			{ op: 'register', name: 'notify' },
			{ op: 'request', sid: 2, id: 1, frames: [utf8('queued')] },
		]);
		assert.ok(ws().binary.every(Boolean));
	});

	test('the compatibility APIs give the same values as with JSON', async () => {
		const { connection, ws, accept } = msgpackHarness();
		accept();
		const context = new client.zmq.Context(connection);
		const req = context.Socket(client.zmq.REQ).connect('echo');
		const replies = [];
		req.send('hi', (reply) => replies.push(reply));
		const zeph = new client.Zephserver(connection);
		const data = [];
		zeph.subscribe('chat.post', (item) => data.push(item));
		const sent = zeph.send('chat.post', { text: 'hello' });
		assert.deepEqual(ws().last('call'), { op: 'call', id: 2, method: 'chat.post', args: [{ text: 'hello' }] });
		ws().deliver({ op: 'reply', sid: 1, id: 1, frames: [utf8('hi')] });
		ws().deliver({ op: 'result', id: 2, value: { text: 'hello', from: 'alice' } });
		ws().deliver({ op: 'event', path: '/chat.post', data: { text: 'other' } });
		await sent;
		await settle();
		assert.deepEqual(replies, ['hi']);
		assert.deepEqual(data, [{ text: 'other' }, { text: 'hello', from: 'alice' }]);
	});
});
