import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { client, harness, settle } from './support.mjs';

const { zmq, Zephserver } = client;

describe('ZmqWebBridge API', () => {
	test('a REQ socket connected to an endpoint name sends and calls back with the reply', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const context = new zmq.Context(connection);
		const socket = context.Socket(zmq.REQ);
		socket.connect('echo');
		const replies = [];
		socket.send('hello', (reply, error) => replies.push([reply, error]));
		assert.deepEqual(ws().sent, [
			{ op: 'open', sid: 1, endpoint: 'echo' },
			{ op: 'request', sid: 1, id: 1, frames: ['hello'] },
		]);
		ws().deliver({ op: 'reply', sid: 1, id: 1, frames: ['hello back'] });
		socket.send(['a', 'b'], (reply, error) => replies.push([reply, error]));
		ws().deliver({ op: 'reply', sid: 1, id: 2, frames: ['echo', 'a', 'b'] });
		socket.send('fails', (reply, error) => replies.push([reply, error?.code]));
		ws().deliver({ op: 'error', code: 'timeout', message: 'slow', failedOp: 'request', sid: 1, id: 3 });
		await settle();
		assert.deepEqual(replies, [['hello back', null], [['echo', 'a', 'b'], null], [null, 'timeout']]);
	});

	test('a SUB socket delivers published messages to onmessage', () => {
		const { connection, ws, accept } = harness();
		accept();
		const socket = new zmq.Context(connection).Socket(zmq.SUB);
		const messages = [];
		socket.onmessage = (message) => messages.push(message);
		socket.connect('ticker', 'ticker.');
		assert.deepEqual(ws().sent, [
			{ op: 'open', sid: 1, endpoint: 'ticker' },
			{ op: 'subscribe', sid: 1, topic: 'ticker.' },
		]);
		ws().deliver({ op: 'message', sid: 1, frames: ['ticker.EURUSD', '1.08'] });
		ws().deliver({ op: 'message', sid: 1, frames: ['other'] });
		assert.deepEqual(messages, [['ticker.EURUSD', '1.08']]);
		socket.close();
		assert.deepEqual(ws().last('unsubscribe'), { op: 'unsubscribe', sid: 1, topic: 'ticker.' });
	});

	test('a SUB socket connected without a topic receives everything', () => {
		const { connection, ws, accept } = harness();
		accept();
		const socket = new zmq.Context(connection).Socket(zmq.SUB);
		socket.connect('ticker');
		assert.deepEqual(ws().last('subscribe'), { op: 'subscribe', sid: 1, topic: '' });
	});

	test('a PUSH socket pushes', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const socket = new zmq.Context(connection).Socket(zmq.PUSH);
		socket.connect('events');
		const sent = socket.send('job');
		assert.deepEqual(ws().last('push'), { op: 'push', sid: 1, id: 1, frames: ['job'] });
		ws().deliver({ op: 'pushed', sid: 1, id: 1 });
		await sent;
	});

	test('a Context made from a URL owns its connection', () => {
		const saved = globalThis.WebSocket;
		const created = [];
		globalThis.WebSocket = class {
			constructor(url) {
				created.push(url);
			}

			close() {
			}
		};
		try {
			const context = new zmq.Context('ws://example.test/zmqws', { reconnect: false });
			assert.ok(context.connection instanceof client.Connection);
			context.close();
			assert.equal(context.connection.state, 'closed');
		}
		finally {
			globalThis.WebSocket = saved;
		}
		assert.deepEqual(created, ['ws://example.test/zmqws']);
	});

	test('socket types other than REQ, SUB and PUSH are refused', () => {
		const { connection } = harness();
		const context = new zmq.Context(connection);
		assert.throws(() => context.Socket(99), /Unsupported socket type 99/);
		assert.throws(() => context.Socket(4), TypeError);
	});

	test('RPCClient calls <service>.<name> of the socket\'s endpoint and calls back', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const socket = new zmq.Context(connection).Socket(zmq.REQ);
		socket.connect('calc');
		const rpc = new zmq.RPCClient(socket);
		const results = [];
		const promise = rpc.rpc('add', [2, 3], {}, (result, error) => results.push([result, error]));
		assert.deepEqual(ws().sent, [{ op: 'call', id: 1, method: 'calc.add', args: [2, 3] }]);
		ws().deliver({ op: 'result', id: 1, value: 5 });
		assert.equal(await promise, 5);
		rpc.rpc('divide', [1, 0], {}, (result, error) => results.push([result, error.code]));
		ws().deliver({ op: 'error', code: 'division_by_zero', message: 'no', failedOp: 'call', id: 2 });
		await settle();
		assert.deepEqual(results, [[5, null], [null, 'division_by_zero']]);
	});

	test('PubRPCServer registers the functions set on it and runs them when the server calls', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const server = new zmq.PubRPCServer(new zmq.Context(connection));
		const seen = [];
		server.prefix = 'note: ';
		server.notify = function (text) {
			seen.push(this.prefix + text);
			return 'ok';
		};
		assert.deepEqual(ws().sent, [{ op: 'register', name: 'notify' }]);
		assert.deepEqual(server.registeredNames(), ['notify']);
		ws().deliver({ op: 'invoke', cid: 4, function: 'notify', args: ['hello'] });
		await settle();
		assert.deepEqual(seen, ['note: hello']);
		assert.deepEqual(ws().last('return'), { op: 'return', cid: 4, value: 'ok' });
		delete server.notify;
		assert.deepEqual(ws().last('unregister'), { op: 'unregister', name: 'notify' });
	});

	test('PubRPCServer subclasses have their methods registered', () => {
		const { connection, ws, accept } = harness();
		accept();
		class Handlers extends zmq.PubRPCServer {
			refresh() {
				return 'refreshed';
			}

			alert(text) {
				return text;
			}
		}
		const server = new Handlers(connection);
		assert.deepEqual(ws().sent.map((message) => message.name).sort(), ['alert', 'refresh']);
		server.close();
		assert.equal(ws().sent.filter((message) => message.op === 'unregister').length, 2);
	});
});

describe('Zephserver API', () => {
	test('send(task, data) calls the task as an RPC method with data as its argument and hands the result to subscribers', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const zeph = new Zephserver(connection);
		const received = [];
		zeph.subscribe('chat.post', (data) => received.push(data));
		const sent = zeph.send('chat.post', { text: 'hi' });
		assert.deepEqual(ws().sent, [
			{ op: 'subscribe', path: '/chat.post' },
			{ op: 'call', id: 1, method: 'chat.post', args: [{ text: 'hi' }] },
		]);
		ws().deliver({ op: 'result', id: 1, value: { accepted: true } });
		assert.deepEqual(await sent, { accepted: true });
		assert.deepEqual(received, [{ accepted: true }]);
	});

	test('subscribe(task, cb) receives events published to /<task>; unsubscribe of the last callback ends the path subscription', () => {
		const { connection, ws, accept } = harness();
		accept();
		const zeph = new Zephserver(connection);
		const first = [];
		const second = [];
		const one = (data) => first.push(data);
		const two = (data) => second.push(data);
		zeph.subscribe('chat.post', one);
		zeph.subscribe('chat.post', two);
		ws().deliver({ op: 'event', path: '/chat.post', data: 'message 1' });
		zeph.unsubscribe('chat.post', one);
		assert.equal(ws().last('unsubscribe'), undefined);
		ws().deliver({ op: 'event', path: '/chat.post', data: 'message 2' });
		zeph.unsubscribe('chat.post', two);
		assert.deepEqual(ws().last('unsubscribe'), { op: 'unsubscribe', path: '/chat.post' });
		assert.deepEqual(first, ['message 1']);
		assert.deepEqual(second, ['message 1', 'message 2']);
	});

	test('a failed send rejects and reaches no subscriber', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const zeph = new Zephserver(connection);
		const received = [];
		zeph.subscribe('admin.reset', (data) => received.push(data));
		const sent = zeph.send('admin.reset');
		assert.deepEqual(ws().last('call'), { op: 'call', id: 1, method: 'admin.reset' });
		ws().deliver({ op: 'error', code: 'forbidden', message: 'Not allowed', failedOp: 'call', id: 1 });
		await assert.rejects(sent, (error) => error instanceof client.ForbiddenError);
		assert.deepEqual(received, []);
	});
});
