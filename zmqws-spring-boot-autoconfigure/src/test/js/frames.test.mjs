import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { client } from './support.mjs';

const { encodeFrame, decodeFrame, encodeMessage, frameBytes, frameText, toBase64, fromBase64, errorFromMessage } = client;

describe('frames', () => {
	test('a string frame is sent as the string itself', () => {
		assert.equal(encodeFrame('héllo'), 'héllo');
		assert.equal(encodeFrame(''), '');
	});

	test('a Uint8Array frame is sent as padded standard base64', () => {
		assert.deepEqual(encodeFrame(new Uint8Array([0, 1, 2, 255])), { base64: 'AAEC/w==' });
		assert.deepEqual(encodeFrame(new Uint8Array([])), { base64: '' });
	});

	test('an ArrayBuffer and other typed arrays are sent as their bytes', () => {
		assert.deepEqual(encodeFrame(new Uint8Array([104, 105]).buffer), { base64: 'aGk=' });
		const view = new Uint8Array([9, 104, 105, 9]).subarray(1, 3);
		assert.deepEqual(encodeFrame(view), { base64: 'aGk=' });
		const words = new Uint16Array([0x0201]);
		assert.deepEqual(fromBase64(encodeFrame(words).base64), new Uint8Array(words.buffer));
	});

	test('anything else is refused as a frame', () => {
		assert.throws(() => encodeFrame(42), TypeError);
		assert.throws(() => encodeFrame({ base64: 'AA==' }), TypeError);
		assert.throws(() => encodeFrame(null), TypeError);
	});

	test('a received string frame stays a string and a base64 frame becomes a Uint8Array', () => {
		assert.equal(decodeFrame('zmq ☃'), 'zmq ☃');
		const bytes = decodeFrame({ base64: 'AAEC/w==' });
		assert.ok(bytes instanceof Uint8Array);
		assert.deepEqual([...bytes], [0, 1, 2, 255]);
		assert.throws(() => decodeFrame({ other: 'x' }), TypeError);
	});

	test('every byte value survives a base64 round trip, also for large frames', () => {
		const bytes = new Uint8Array(300_000);
		for (let i = 0; i < bytes.length; i++) {
			bytes[i] = (i * 7) & 0xff;
		}
		assert.deepEqual(decodeFrame(encodeFrame(bytes)), bytes);
		assert.deepEqual(fromBase64(toBase64(bytes.subarray(0, 256))), bytes.subarray(0, 256));
	});

	test('a message is one frame or an array of frames, never empty', () => {
		assert.deepEqual(encodeMessage('one'), ['one']);
		assert.deepEqual(encodeMessage(['a', new Uint8Array([255])]), ['a', { base64: '/w==' }]);
		assert.throws(() => encodeMessage([]), /at least one frame/);
	});

	test('frameBytes encodes strings as UTF-8 and frameText decodes bytes as UTF-8', () => {
		assert.deepEqual([...frameBytes('é')], [0xc3, 0xa9]);
		assert.equal(frameText(new Uint8Array([0xc3, 0xa9])), 'é');
		assert.equal(frameText('plain'), 'plain');
	});
});

describe('errors', () => {
	test('protocol errors become Error subclasses carrying the code', () => {
		const timeout = errorFromMessage({ op: 'error', code: 'timeout', message: 'No reply', failedOp: 'request', sid: 1, id: 7 });
		assert.ok(timeout instanceof client.TimeoutError);
		assert.ok(timeout instanceof client.ZmqwsError);
		assert.ok(timeout instanceof Error);
		assert.equal(timeout.code, 'timeout');
		assert.equal(timeout.message, 'No reply');
		assert.equal(timeout.failedOp, 'request');
		assert.equal(timeout.sid, 1);
		assert.equal(timeout.id, 7);
		assert.ok(errorFromMessage({ code: 'forbidden', message: 'no' }) instanceof client.ForbiddenError);
		assert.ok(errorFromMessage({ code: 'unauthenticated', message: 'no' }) instanceof client.UnauthenticatedError);
	});

	test('a code the client does not know, such as an RPC method\'s own, stays a ZmqwsError with that code', () => {
		const error = errorFromMessage({ code: 'division_by_zero', message: 'Cannot divide by zero' });
		assert.equal(error.constructor, client.ZmqwsError);
		assert.equal(error.code, 'division_by_zero');
		assert.equal(error.name, 'ZmqwsError');
	});
});
