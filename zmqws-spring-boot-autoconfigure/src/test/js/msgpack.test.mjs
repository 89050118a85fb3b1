import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { client } from './support.mjs';

const { encodeMsgpack, decodeMsgpack, decodeMsgpackStream } = client;

function bytes(...values) {
	return new Uint8Array(values.flat());
}

function repeat(byte, count) {
	return new Array(count).fill(byte);
}

function hex(data) {
	return [...data].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
}

function assertEncodes(value, expected) {
	assert.equal(hex(encodeMsgpack(value)), hex(expected), `encoding of ${String(value).slice(0, 40)}`);
}

function roundTrip(value) {
	return decodeMsgpack(encodeMsgpack(value));
}

// The byte vectors below are written from the MessagePack specification's format table
// (https://github.com/msgpack/msgpack/blob/master/spec.md), not from this encoder.
describe('MessagePack: decoding known bytes', () => {
	test('nil, false and true', () => {
		assert.equal(decodeMsgpack(bytes(0xc0)), null);
		assert.equal(decodeMsgpack(bytes(0xc2)), false);
		assert.equal(decodeMsgpack(bytes(0xc3)), true);
	});

	test('positive and negative fixint', () => {
		assert.equal(decodeMsgpack(bytes(0x00)), 0);
		assert.equal(decodeMsgpack(bytes(0x7f)), 127);
		assert.equal(decodeMsgpack(bytes(0xff)), -1);
		assert.equal(decodeMsgpack(bytes(0xe0)), -32);
	});

	test('uint 8, 16, 32 and 64', () => {
		assert.equal(decodeMsgpack(bytes(0xcc, 0xff)), 255);
		assert.equal(decodeMsgpack(bytes(0xcd, 0x01, 0x00)), 256);
		assert.equal(decodeMsgpack(bytes(0xce, 0x00, 0x01, 0x00, 0x00)), 65536);
		assert.equal(decodeMsgpack(bytes(0xce, 0xff, 0xff, 0xff, 0xff)), 4294967295);
		assert.equal(decodeMsgpack(bytes(0xcf, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00)), 4294967296);
	});

	test('64-bit integers are numbers within ±(2^53 − 1) and BigInts beyond', () => {
		assert.equal(decodeMsgpack(bytes(0xcf, 0x00, 0x1f, repeat(0xff, 6))), Number.MAX_SAFE_INTEGER);
		assert.equal(decodeMsgpack(bytes(0xcf, 0x00, 0x20, repeat(0x00, 6))), 9007199254740992n);
		assert.equal(decodeMsgpack(bytes(0xcf, repeat(0xff, 8))), 18446744073709551615n);
		assert.equal(decodeMsgpack(bytes(0xd3, 0xff, 0xe0, repeat(0x00, 5), 0x01)), Number.MIN_SAFE_INTEGER);
		assert.equal(decodeMsgpack(bytes(0xd3, 0xff, 0xe0, repeat(0x00, 6))), -9007199254740992n);
		assert.equal(decodeMsgpack(bytes(0xd3, 0x80, repeat(0x00, 7))), -9223372036854775808n);
		assert.equal(decodeMsgpack(bytes(0xd3, 0x7f, repeat(0xff, 7))), 9223372036854775807n);
		assert.equal(decodeMsgpack(bytes(0xd3, repeat(0xff, 8))), -1);
	});

	test('int 8, 16 and 32, and integers written wider than needed', () => {
		assert.equal(decodeMsgpack(bytes(0xd0, 0x80)), -128);
		assert.equal(decodeMsgpack(bytes(0xd0, 0xdf)), -33);
		assert.equal(decodeMsgpack(bytes(0xd1, 0xff, 0x7f)), -129);
		assert.equal(decodeMsgpack(bytes(0xd2, 0xff, 0xff, 0x7f, 0xff)), -32769);
		assert.equal(decodeMsgpack(bytes(0xd2, 0x80, 0x00, 0x00, 0x00)), -2147483648);
		assert.equal(decodeMsgpack(bytes(0xd0, 0x05)), 5);
		assert.equal(decodeMsgpack(bytes(0xd3, repeat(0x00, 7), 0x05)), 5);
		assert.equal(decodeMsgpack(bytes(0xcf, repeat(0x00, 7), 0x05)), 5);
	});

	test('float 32 and float 64', () => {
		assert.equal(decodeMsgpack(bytes(0xca, 0x3f, 0xc0, 0x00, 0x00)), 1.5);
		assert.equal(decodeMsgpack(bytes(0xcb, 0x3f, 0xf8, repeat(0x00, 6))), 1.5);
		assert.equal(decodeMsgpack(bytes(0xcb, 0xc0, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18)), -Math.PI);
	});

	test('fixstr, str 8, 16 and 32 in UTF-8', () => {
		assert.equal(decodeMsgpack(bytes(0xa0)), '');
		assert.equal(decodeMsgpack(bytes(0xa3, 0x61, 0x62, 0x63)), 'abc');
		assert.equal(decodeMsgpack(bytes(0xa2, 0xc3, 0xa9)), 'é');
		assert.equal(decodeMsgpack(bytes(0xa3, 0xe2, 0x98, 0x83)), '☃');
		assert.equal(decodeMsgpack(bytes(0xa4, 0xf0, 0x9f, 0x98, 0x80)), '😀');
		assert.equal(decodeMsgpack(bytes(0xa3, 0xef, 0xbb, 0xbf)), '\ufeff', 'a byte order mark is a character');
		assert.equal(decodeMsgpack(bytes(0xd9, 0x01, 0x7a)), 'z');
		assert.equal(decodeMsgpack(bytes(0xda, 0x00, 0x02, 0x68, 0x69)), 'hi');
		assert.equal(decodeMsgpack(bytes(0xdb, 0x00, 0x00, 0x00, 0x01, 0x21)), '!');
	});

	test('bin 8, 16 and 32 become Uint8Arrays of their own', () => {
		const data = bytes(0xc4, 0x02, 0x00, 0xff);
		const decoded = decodeMsgpack(data);
		assert.ok(decoded instanceof Uint8Array);
		assert.deepEqual([...decoded], [0, 255]);
		data[2] = 9;
		assert.deepEqual([...decoded], [0, 255], 'a copy, not a view of the input');
		assert.deepEqual([...decodeMsgpack(bytes(0xc5, 0x00, 0x01, 0x07))], [7]);
		assert.deepEqual([...decodeMsgpack(bytes(0xc6, 0x00, 0x00, 0x00, 0x00))], []);
	});

	test('fixarray, array 16 and 32, fixmap, map 16 and 32', () => {
		assert.deepEqual(decodeMsgpack(bytes(0x93, 0x01, 0xc0, 0xa1, 0x78)), [1, null, 'x']);
		assert.deepEqual(decodeMsgpack(bytes(0xdc, 0x00, 0x01, 0xc3)), [true]);
		assert.deepEqual(decodeMsgpack(bytes(0xdd, 0x00, 0x00, 0x00, 0x00)), []);
		assert.deepEqual(decodeMsgpack(bytes(0x82, 0xa2, 0x6f, 0x70, 0xa4, 0x70, 0x69, 0x6e, 0x67, 0xa2, 0x69, 0x64, 0x07)),
			{ op: 'ping', id: 7 });
		assert.deepEqual(decodeMsgpack(bytes(0xde, 0x00, 0x01, 0xa1, 0x61, 0x90)), { a: [] });
		assert.deepEqual(decodeMsgpack(bytes(0xdf, 0x00, 0x00, 0x00, 0x00)), {});
	});

	test('map keys that are not strings become strings; __proto__ is an ordinary key', () => {
		assert.deepEqual(decodeMsgpack(bytes(0x81, 0x01, 0xa1, 0x61)), { 1: 'a' });
		const decoded = decodeMsgpack(bytes(0x81, 0xa9, [...'__proto__'].map((c) => c.charCodeAt(0)), 0x80));
		assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
		assert.deepEqual(Object.keys(decoded), ['__proto__']);
	});

	test('data that ends early, goes on, is reserved or an extension is refused', () => {
		assert.throws(() => decodeMsgpack(bytes()), /ends too early/);
		assert.throws(() => decodeMsgpack(bytes(0xcd, 0x01)), /ends too early/);
		assert.throws(() => decodeMsgpack(bytes(0xa3, 0x61)), /ends too early/);
		assert.throws(() => decodeMsgpack(bytes(0xdd, 0xff, 0xff, 0xff, 0xff)), /ends too early/);
		assert.throws(() => decodeMsgpack(bytes(0xc0, 0xc0)), /goes on after the value/);
		assert.throws(() => decodeMsgpack(bytes(0xc1)), /0xc1/);
		assert.throws(() => decodeMsgpack(bytes(0xd4, 0x01, 0x00)), /extension/);
		assert.throws(() => decodeMsgpack(bytes(0xc7, 0x00, 0x01)), /extension/);
		assert.throws(() => decodeMsgpack('text'), TypeError);
	});

	test('a stream holds values back to back', () => {
		assert.deepEqual(decodeMsgpackStream(bytes(0x81, 0xa2, 0x6f, 0x70, 0xa1, 0x61, 0xc3, 0x01)), [{ op: 'a' }, true, 1]);
		assert.deepEqual(decodeMsgpackStream(new Uint8Array(0)), []);
	});

	test('an ArrayBuffer or a view into a larger buffer is read as its bytes', () => {
		assert.equal(decodeMsgpack(bytes(0xa1, 0x78).buffer), 'x');
		assert.equal(decodeMsgpack(bytes(0x00, 0xa1, 0x79, 0x00).subarray(1, 3)), 'y');
	});
});

describe('MessagePack: encoding to known bytes', () => {
	test('integers take the smallest int type', () => {
		assertEncodes(0, [0x00]);
		assertEncodes(127, [0x7f]);
		assertEncodes(128, [0xcc, 0x80]);
		assertEncodes(255, [0xcc, 0xff]);
		assertEncodes(256, [0xcd, 0x01, 0x00]);
		assertEncodes(65535, [0xcd, 0xff, 0xff]);
		assertEncodes(65536, [0xce, 0x00, 0x01, 0x00, 0x00]);
		assertEncodes(4294967295, [0xce, 0xff, 0xff, 0xff, 0xff]);
		assertEncodes(4294967296, [0xcf, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00]);
		assertEncodes(Number.MAX_SAFE_INTEGER, [0xcf, 0x00, 0x1f, ...repeat(0xff, 6)]);
		assertEncodes(-1, [0xff]);
		assertEncodes(-32, [0xe0]);
		assertEncodes(-33, [0xd0, 0xdf]);
		assertEncodes(-128, [0xd0, 0x80]);
		assertEncodes(-129, [0xd1, 0xff, 0x7f]);
		assertEncodes(-32768, [0xd1, 0x80, 0x00]);
		assertEncodes(-32769, [0xd2, 0xff, 0xff, 0x7f, 0xff]);
		assertEncodes(-2147483648, [0xd2, 0x80, 0x00, 0x00, 0x00]);
		assertEncodes(-2147483649, [0xd3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff]);
		assertEncodes(Number.MIN_SAFE_INTEGER, [0xd3, 0xff, 0xe0, ...repeat(0x00, 5), 0x01]);
		assertEncodes(-0, [0x00]);
	});

	test('BigInts are integers too, 64-bit at most', () => {
		assertEncodes(5n, [0x05]);
		assertEncodes(-200n, [0xd1, 0xff, 0x38]);
		assertEncodes(18446744073709551615n, [0xcf, ...repeat(0xff, 8)]);
		assertEncodes(9223372036854775807n, [0xcf, 0x7f, ...repeat(0xff, 7)]);
		assertEncodes(-9223372036854775808n, [0xd3, 0x80, ...repeat(0x00, 7)]);
		assert.throws(() => encodeMsgpack(18446744073709551616n), RangeError);
		assert.throws(() => encodeMsgpack(-9223372036854775809n), RangeError);
	});

	test('other numbers are float 64; NaN and infinities are nil, as JSON writes them', () => {
		assertEncodes(1.5, [0xcb, 0x3f, 0xf8, ...repeat(0x00, 6)]);
		assertEncodes(-Math.PI, [0xcb, 0xc0, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18]);
		assertEncodes(2 ** 64, [0xcb, 0x43, 0xf0, ...repeat(0x00, 6)]);
		assertEncodes(NaN, [0xc0]);
		assertEncodes(Infinity, [0xc0]);
	});

	test('nil, booleans, and undefined as nil', () => {
		assertEncodes(null, [0xc0]);
		assertEncodes(undefined, [0xc0]);
		assertEncodes(false, [0xc2]);
		assertEncodes(true, [0xc3]);
	});

	test('strings take the smallest str type by their UTF-8 length', () => {
		assertEncodes('', [0xa0]);
		assertEncodes('é', [0xa2, 0xc3, 0xa9]);
		assertEncodes('😀', [0xa4, 0xf0, 0x9f, 0x98, 0x80]);
		assertEncodes('a'.repeat(31), [0xbf, ...repeat(0x61, 31)]);
		assertEncodes('a'.repeat(32), [0xd9, 0x20, ...repeat(0x61, 32)]);
		assertEncodes('é'.repeat(16), [0xd9, 0x20, ...new Array(16).fill([0xc3, 0xa9]).flat()]);
		assertEncodes('a'.repeat(255), [0xd9, 0xff, ...repeat(0x61, 255)]);
		assertEncodes('a'.repeat(256), [0xda, 0x01, 0x00, ...repeat(0x61, 256)]);
		assertEncodes('a'.repeat(65536), [0xdb, 0x00, 0x01, 0x00, 0x00, ...repeat(0x61, 65536)]);
	});

	test('an unpaired surrogate is written as U+FFFD, in short and long strings alike', () => {
		assertEncodes('\ud800', [0xa3, 0xef, 0xbf, 0xbd]);
		assertEncodes('x\udc00', [0xa4, 0x78, 0xef, 0xbf, 0xbd]);
		const long = 'a'.repeat(100) + '\ud800';
		assert.equal(roundTrip(long), 'a'.repeat(100) + '\ufffd');
	});

	test('bytes take the smallest bin type, from any kind of binary data', () => {
		assertEncodes(new Uint8Array([1, 2]), [0xc4, 0x02, 0x01, 0x02]);
		assertEncodes(new Uint8Array([1, 2]).buffer, [0xc4, 0x02, 0x01, 0x02]);
		assertEncodes(new Uint8Array([9, 1, 2, 9]).subarray(1, 3), [0xc4, 0x02, 0x01, 0x02]);
		assertEncodes(new Uint16Array([0x0102]), [0xc4, 0x02, ...new Uint8Array(new Uint16Array([0x0102]).buffer)]);
		assertEncodes(new Uint8Array(0), [0xc4, 0x00]);
		assertEncodes(new Uint8Array(256), [0xc5, 0x01, 0x00, ...repeat(0x00, 256)]);
		assertEncodes(new Uint8Array(65536), [0xc6, 0x00, 0x01, 0x00, 0x00, ...repeat(0x00, 65536)]);
	});

	test('arrays and maps take the smallest type by their length', () => {
		assertEncodes([], [0x90]);
		assertEncodes(new Array(15).fill(1), [0x9f, ...repeat(0x01, 15)]);
		assertEncodes(new Array(16).fill(1), [0xdc, 0x00, 0x10, ...repeat(0x01, 16)]);
		assertEncodes(new Array(65536).fill(0), [0xdd, 0x00, 0x01, 0x00, 0x00, ...repeat(0x00, 65536)]);
		assertEncodes({}, [0x80]);
		assertEncodes({ op: 'ping', id: 7 }, [0x82, 0xa2, 0x6f, 0x70, 0xa4, 0x70, 0x69, 0x6e, 0x67, 0xa2, 0x69, 0x64, 0x07]);
		const sixteen = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [String.fromCharCode(97 + i), i]));
		const expected = [0xde, 0x00, 0x10];
		for (let i = 0; i < 16; i++) {
			expected.push(0xa1, 97 + i, i);
		}
		assertEncodes(sixteen, expected);
	});

	test('objects are written as JSON would write them', () => {
		assertEncodes({ a: undefined, b: () => 1, c: Symbol('s'), d: 1 }, [0x81, 0xa1, 0x64, 0x01]);
		assertEncodes([undefined, () => 1], [0x92, 0xc0, 0xc0]);
		const date = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
		assert.equal(roundTrip({ at: date }).at, '2026-01-02T03:04:05.000Z');
		assert.equal(roundTrip(new String('boxed')), 'boxed');
		assert.equal(roundTrip(Object(42)), 42);
	});

	test('a circular value is refused instead of overflowing the stack', () => {
		const circular = { name: 'loop' };
		circular.self = circular;
		assert.throws(() => encodeMsgpack(circular), /nested more than/);
		assert.deepEqual(roundTrip({ after: 'failure' }), { after: 'failure' }, 'the encoder still works');
	});
});

describe('MessagePack: round trips', () => {
	test('integers at every type boundary', () => {
		const values = [0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER,
			-1, -31, -32, -33, -127, -128, -129, -32767, -32768, -32769, -2147483647, -2147483648, -2147483649,
			-(2 ** 40) - 3, Number.MIN_SAFE_INTEGER];
		for (const value of values) {
			assert.equal(roundTrip(value), value);
		}
	});

	test('64-bit integers beyond the safe range stay exact as BigInts', () => {
		for (const value of [9007199254740992n, 18446744073709551615n, 9223372036854775807n, -9007199254740992n,
			-9223372036854775808n]) {
			assert.equal(roundTrip(value), value);
		}
		assert.equal(roundTrip(123n), 123);
	});

	test('floats keep every bit', () => {
		for (const value of [0.5, -1.25, Math.PI, 1e300, -1e-300, Number.MIN_VALUE, Number.MAX_VALUE, 2 ** 64, -(2 ** 70)]) {
			assert.equal(roundTrip(value), value);
		}
	});

	test('strings of every length class, with multi-byte characters', () => {
		const samples = ['', 'a', 'héllo wörld', '☃ snowman', '😀 emoji', '\ufeffstarts with a BOM', 'null\u0000inside',
			'日本語のテキスト'.repeat(3), 'é'.repeat(40), '😀'.repeat(70), 'x'.repeat(300), 'ü'.repeat(40000), '字'.repeat(30000)];
		for (const value of samples) {
			assert.equal(roundTrip(value), value);
			assert.equal(roundTrip('\ufeff' + value), '\ufeff' + value);
		}
	});

	test('bytes of every length class', () => {
		for (const length of [0, 1, 255, 256, 65535, 65536, 100000]) {
			const value = new Uint8Array(length);
			for (let i = 0; i < length; i++) {
				value[i] = (i * 31) & 0xff;
			}
			assert.deepEqual(roundTrip(value), value);
		}
	});

	test('nested arrays and maps with every type inside', () => {
		const value = {
			op: 'result',
			id: 42,
			ok: true,
			none: null,
			ratio: 0.25,
			big: 18446744073709551615n,
			text: 'Grüße 😀',
			bytes: new Uint8Array([0, 1, 254, 255]),
			list: [1, -1, 300, -300, 70000, -70000, 5e9, -5e9, [[[]]], {}, { deep: { deeper: ['x'] } }],
			map: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`key${i}`, i % 2 === 0 ? i : String(i)])),
		};
		assert.deepEqual(roundTrip(value), value);
		assert.deepEqual(roundTrip(new Array(70000).fill({ a: [1] })), new Array(70000).fill({ a: [1] }));
	});
});
