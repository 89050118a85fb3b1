import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { client, harness, settle } from './support.mjs';

describe('rpc', () => {
	test('a call sends method, args and kwargs and resolves with the result', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const sum = connection.rpc('calc.add', [2, 3], { precision: 2 }, { timeout: 800 });
		assert.deepEqual(ws().last('call'), { op: 'call', id: 1, method: 'calc.add', args: [2, 3], kwargs: { precision: 2 }, timeout: 800 });
		ws().deliver({ op: 'result', id: 1, value: 5 });
		assert.equal(await sum, 5);
	});

	test('empty args and kwargs are left out of the call', () => {
		const { connection, ws, accept } = harness();
		accept();
		connection.rpc('clock.now');
		connection.rpc('clock.now', [], {});
		assert.deepEqual(ws().sent, [{ op: 'call', id: 1, method: 'clock.now' }, { op: 'call', id: 2, method: 'clock.now' }]);
	});

	test('arguments of the wrong shape are refused before sending', async () => {
		const { connection, ws, accept } = harness();
		accept();
		await assert.rejects(connection.rpc('calc.add', 1), TypeError);
		await assert.rejects(connection.rpc('calc.add', [], [1]), TypeError);
		assert.deepEqual(ws().sent, []);
	});

	test('a method\'s own error code reaches the caller', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const quotient = connection.rpc('calc.divide', [1, 0]);
		ws().deliver({ op: 'error', code: 'division_by_zero', message: 'Cannot divide by zero', failedOp: 'call', id: 1 });
		await assert.rejects(quotient, (error) => error instanceof client.ZmqwsError && error.code === 'division_by_zero'
			&& error.message === 'Cannot divide by zero');
	});

	test('rpc() on a streaming method resolves with all items once done', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const items = connection.rpc('calc.countdown', [2]);
		ws().deliver({ op: 'item', id: 1, value: 2 });
		ws().deliver({ op: 'item', id: 1, value: 1 });
		ws().deliver({ op: 'item', id: 1, value: 0 });
		ws().deliver({ op: 'done', id: 1 });
		assert.deepEqual(await items, [2, 1, 0]);
	});

	test('aborting the signal sends cancel and rejects with AbortedError', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const controller = new AbortController();
		const call = connection.rpc('slow.work', [], {}, { signal: controller.signal });
		controller.abort();
		await assert.rejects(call, (error) => error instanceof client.AbortedError && error.code === 'aborted');
		assert.deepEqual(ws().last('cancel'), { op: 'cancel', id: 1 });
		ws().deliver({ op: 'result', id: 1, value: 'late' });
	});

	test('aborting a call still in the offline queue removes it without sending anything', async () => {
		const { connection, ws, accept } = harness();
		const controller = new AbortController();
		const call = connection.rpc('slow.work', [], {}, { signal: controller.signal });
		controller.abort();
		await assert.rejects(call, { code: 'aborted' });
		accept();
		assert.deepEqual(ws().sent, []);
		assert.equal(connection.queued, 0);
	});

	test('methods() lists the callable methods', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const methods = connection.methods();
		assert.deepEqual(ws().sent, [{ op: 'methods' }]);
		ws().deliver({ op: 'methods', methods: [{ name: 'calc.add', params: ['a', 'b'], streaming: false }] });
		assert.deepEqual(await methods, [{ name: 'calc.add', params: ['a', 'b'], streaming: false }]);
	});
});

describe('stream', () => {
	test('items arrive through for await and the loop ends on done', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const stream = connection.stream('calc.countdown', [3]);
		assert.deepEqual(ws().last('call'), { op: 'call', id: 1, method: 'calc.countdown', args: [3] });
		const seen = [];
		const loop = (async () => {
			for await (const item of stream) {
				seen.push(item);
			}
		})();
		ws().deliver({ op: 'item', id: 1, value: 3 });
		await settle();
		ws().deliver({ op: 'item', id: 1, value: 2 });
		ws().deliver({ op: 'done', id: 1 });
		await loop;
		assert.deepEqual(seen, [3, 2]);
		assert.equal(ws().last('cancel'), undefined);
	});

	test('breaking out of the loop sends cancel', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const stream = connection.stream('calc.ticks', []);
		ws().deliver({ op: 'item', id: 1, value: 'a' });
		ws().deliver({ op: 'item', id: 1, value: 'b' });
		const seen = [];
		for await (const item of stream) {
			seen.push(item);
			break;
		}
		assert.deepEqual(seen, ['a']);
		assert.deepEqual(ws().last('cancel'), { op: 'cancel', id: 1 });
		ws().deliver({ op: 'item', id: 1, value: 'c' });
		assert.deepEqual(await stream.next(), { value: undefined, done: true });
	});

	test('a failure is thrown from the loop', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const stream = connection.stream('calc.countdown', [-1]);
		ws().deliver({ op: 'error', code: 'invalid_argument', message: "Argument 'from' is negative", failedOp: 'call', id: 1 });
		await assert.rejects((async () => {
			for await (const item of stream) {
				assert.fail('no item expected, got ' + item);
			}
		})(), { code: 'invalid_argument' });
	});

	test('a non-streaming method\'s result is the stream\'s only item', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const stream = connection.stream('calc.add', [1, 2]);
		ws().deliver({ op: 'result', id: 1, value: 3 });
		const seen = [];
		for await (const item of stream) {
			seen.push(item);
		}
		assert.deepEqual(seen, [3]);
	});

	test('aborting the signal cancels the stream with AbortedError', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const controller = new AbortController();
		const stream = connection.stream('calc.ticks', [], {}, { signal: controller.signal });
		const next = stream.next();
		controller.abort();
		await assert.rejects(next, { code: 'aborted' });
		assert.deepEqual(ws().last('cancel'), { op: 'cancel', id: 1 });
	});
});

describe('server-to-browser calls', () => {
	test('registered functions are announced and answer acknowledged invokes with their value', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const registration = connection.register('notify', (text, level) => `shown ${text} (${level})`);
		assert.deepEqual(ws().sent, [{ op: 'register', name: 'notify' }]);
		ws().deliver({ op: 'registered', name: 'notify' });
		await registration.ready;
		ws().deliver({ op: 'invoke', cid: 7, function: 'notify', args: ['hi', 'info'] });
		await settle();
		assert.deepEqual(ws().last('return'), { op: 'return', cid: 7, value: 'shown hi (info)' });
	});

	test('async functions are awaited and undefined is returned as null', async () => {
		const { connection, ws, accept } = harness();
		accept();
		connection.register('load', async (n) => ({ n: n + 1 }));
		connection.register('quiet', () => undefined);
		ws().deliver({ op: 'invoke', cid: 1, function: 'load', args: [41] });
		ws().deliver({ op: 'invoke', cid: 2, function: 'quiet', args: [] });
		await settle();
		const returns = ws().sent.filter((message) => message.op === 'return').sort((a, b) => a.cid - b.cid);
		assert.deepEqual(returns, [
			{ op: 'return', cid: 1, value: { n: 42 } },
			{ op: 'return', cid: 2, value: null },
		]);
	});

	test('a thrown error is answered with its message', async () => {
		const { connection, ws, accept } = harness();
		accept();
		connection.register('fail', async () => {
			throw new Error('Printer on fire');
		});
		ws().deliver({ op: 'invoke', cid: 3, function: 'fail', args: [] });
		await settle();
		assert.deepEqual(ws().last('return'), { op: 'return', cid: 3, error: 'Printer on fire' });
	});

	test('one-way invokes (no cid) run the function and send nothing back', async () => {
		const { connection, ws, accept } = harness();
		accept();
		const calls = [];
		connection.register('notify', (text) => calls.push(text));
		ws().clear();
		ws().deliver({ op: 'invoke', function: 'notify', args: ['tick'] });
		await settle();
		assert.deepEqual(calls, ['tick']);
		assert.deepEqual(ws().sent, []);
	});

	test('unregister withdraws the function and invalid names are refused', () => {
		const { connection, ws, accept } = harness();
		accept();
		const registration = connection.register('notify', () => {});
		registration.unregister();
		assert.deepEqual(ws().last('unregister'), { op: 'unregister', name: 'notify' });
		assert.throws(() => connection.register('bad name', () => {}), TypeError);
	});
});
