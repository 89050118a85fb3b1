/*!
 * zmqws browser client, version 0.1.0
 * Speaks protocol v1 (zmqws.v1.json or zmqws.v1.msgpack) to a zmqws gateway over a
 * WebSocket or, where WebSockets do not get through, Server-Sent Events and POST:
 * request/reply, subscriptions, push, RPC (plain, streaming, cancellable),
 * server-to-browser calls, path events, token authentication, automatic reconnect with
 * restore, and compatibility layers for ZmqWebBridge- and Zephserver-style code.
 * No dependencies; an ES module.
 * Served by the gateway at {zmqws.websocket.path}/client.js, e.g. /zmqws/client.js.
 * Documentation: docs/javascript-client.md
 */

/** The version of this client. */
export const VERSION = '0.1.0';

/** The WebSocket subprotocol of the default encoding, JSON. */
export const PROTOCOL = 'zmqws.v1.json';

/** The subprotocol of each encoding. */
export const PROTOCOLS = Object.freeze({ json: 'zmqws.v1.json', msgpack: 'zmqws.v1.msgpack' });

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/**
 * An error reported by the gateway, an RPC method or the client itself. `code` is the
 * protocol's stable error code (e.g. `timeout`, `forbidden`, `backend_unavailable`, or a
 * code an RPC method chose); switch on it, `message` is for people.
 */
export class ZmqwsError extends Error {
	/**
	 * @param {string} code the error code
	 * @param {string} message a message for people
	 * @param {{failedOp?: string, sid?: number, id?: number, cause?: unknown}} [details]
	 */
	constructor(code, message, details = {}) {
		super(message, details.cause !== undefined ? { cause: details.cause } : undefined);
		this.name = 'ZmqwsError';
		/** @type {string} */
		this.code = code;
		/** @type {string | undefined} */
		this.failedOp = details.failedOp;
		/** @type {number | undefined} */
		this.sid = details.sid;
		/** @type {number | undefined} */
		this.id = details.id;
	}
}

/** A request or call did not finish in time (code `timeout`). */
export class TimeoutError extends ZmqwsError {
	constructor(message, details) {
		super('timeout', message, details);
		this.name = 'TimeoutError';
	}
}

/** The caller may not do this (code `forbidden`). */
export class ForbiddenError extends ZmqwsError {
	constructor(message, details) {
		super('forbidden', message, details);
		this.name = 'ForbiddenError';
	}
}

/** The token was refused (code `unauthenticated`). */
export class UnauthenticatedError extends ZmqwsError {
	constructor(message, details) {
		super('unauthenticated', message, details);
		this.name = 'UnauthenticatedError';
	}
}

/** The connection ended before an answer came, or is closed (code `disconnected`). */
export class DisconnectedError extends ZmqwsError {
	constructor(message, details) {
		super('disconnected', message, details);
		this.name = 'DisconnectedError';
	}
}

/** The offline send queue is full (code `queue_full`). */
export class QueueFullError extends ZmqwsError {
	constructor(message, details) {
		super('queue_full', message, details);
		this.name = 'QueueFullError';
	}
}

/** The caller aborted the operation through its `AbortSignal` (code `aborted`). */
export class AbortedError extends ZmqwsError {
	constructor(message, details) {
		super('aborted', message, details);
		this.name = 'AbortError';
	}
}

const ERROR_TYPES = {
	timeout: TimeoutError,
	forbidden: ForbiddenError,
	unauthenticated: UnauthenticatedError,
	disconnected: DisconnectedError,
	queue_full: QueueFullError,
	aborted: AbortedError,
};

/**
 * Turns an `error` message of the protocol into the matching error class.
 * @param {{code?: string, message?: string, failedOp?: string, sid?: number, id?: number}} message
 * @returns {ZmqwsError}
 */
export function errorFromMessage(message) {
	const code = typeof message.code === 'string' ? message.code : 'internal';
	const text = typeof message.message === 'string' ? message.message : code;
	const details = { failedOp: message.failedOp, sid: message.sid, id: message.id };
	const Type = ERROR_TYPES[code];
	return Type ? new Type(text, details) : new ZmqwsError(code, text, details);
}

// ---------------------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------------------

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * Encodes bytes as standard base64 with padding.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function toBase64(bytes) {
	let binary = '';
	for (let i = 0; i < bytes.length; i += 0x8000) {
		binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
	}
	return btoa(binary);
}

/**
 * Decodes standard base64 (padding optional).
 * @param {string} text
 * @returns {Uint8Array}
 */
export function fromBase64(text) {
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) {
		bytes[i] = binary.charCodeAt(i);
	}
	return bytes;
}

function asBytes(value) {
	if (value instanceof Uint8Array) {
		return value;
	}
	if (value instanceof ArrayBuffer) {
		return new Uint8Array(value);
	}
	if (ArrayBuffer.isView(value)) {
		return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
	}
	return null;
}

function checkedBytes(frame) {
	const bytes = asBytes(frame);
	if (bytes === null) {
		throw new TypeError('A frame must be a string, a Uint8Array, an ArrayBuffer or a typed array');
	}
	return bytes;
}

/**
 * Encodes one frame for the wire: a string stays a string (sent as UTF-8), bytes
 * (`Uint8Array`, any typed array, `ArrayBuffer`) become `{base64: "..."}`.
 * @param {string | Uint8Array | ArrayBuffer | ArrayBufferView} frame
 * @returns {string | {base64: string}}
 */
export function encodeFrame(frame) {
	if (typeof frame === 'string') {
		return frame;
	}
	return { base64: toBase64(checkedBytes(frame)) };
}

/**
 * Decodes one frame from the wire: a string stays a string, `{base64}` becomes a
 * `Uint8Array`.
 * @param {string | {base64: string}} frame
 * @returns {string | Uint8Array}
 */
export function decodeFrame(frame) {
	if (typeof frame === 'string') {
		return frame;
	}
	if (frame !== null && typeof frame === 'object' && typeof frame.base64 === 'string') {
		return fromBase64(frame.base64);
	}
	throw new TypeError('Not a frame: ' + JSON.stringify(frame));
}

/**
 * Encodes a message: a single frame, or an array of frames (at least one).
 * @param {Frame | Frame[]} message
 * @returns {Array<string | {base64: string}>}
 */
export function encodeMessage(message) {
	return framesOf(message).map(encodeFrame);
}

function framesOf(message) {
	const frames = Array.isArray(message) ? message : [message];
	if (frames.length === 0) {
		throw new TypeError('A message needs at least one frame');
	}
	return frames;
}

/** A received frame: bytes as they are (MessagePack `bin` already decoded), else as `decodeFrame`. */
function receivedFrame(frame) {
	return frame instanceof Uint8Array ? frame : decodeFrame(frame);
}

/**
 * The bytes of a frame: the UTF-8 encoding of a string, or the bytes themselves.
 * @param {Frame} frame
 * @returns {Uint8Array}
 */
export function frameBytes(frame) {
	if (typeof frame === 'string') {
		return utf8Encoder.encode(frame);
	}
	const bytes = asBytes(frame);
	if (bytes === null) {
		throw new TypeError('Not a frame');
	}
	return bytes;
}

/**
 * The text of a frame: a string as it is, bytes decoded as UTF-8.
 * @param {Frame} frame
 * @returns {string}
 */
export function frameText(frame) {
	return typeof frame === 'string' ? frame : utf8Decoder.decode(frameBytes(frame));
}

function startsWithBytes(bytes, prefix) {
	if (prefix.length > bytes.length) {
		return false;
	}
	for (let i = 0; i < prefix.length; i++) {
		if (bytes[i] !== prefix[i]) {
			return false;
		}
	}
	return true;
}

function topicKey(topic) {
	return toBase64(frameBytes(topic));
}

/** Whether an event published to `eventPath` reaches a subscription to `path`. */
function pathCovers(path, eventPath) {
	return path === eventPath || path === '/' || eventPath.startsWith(path + '/');
}

function checkPath(path) {
	if (typeof path !== 'string' || !path.startsWith('/') || path.includes('//')
			|| (path.length > 1 && path.endsWith('/'))) {
		throw new TypeError(`Invalid path '${path}': it must start with '/', have no empty segment and not end with '/'`);
	}
}

// ---------------------------------------------------------------------------------------
// MessagePack
// ---------------------------------------------------------------------------------------

const TWO_32 = 4294967296;
const MAX_NESTING = 512;
const utf8Lenient = new TextDecoder('utf-8', { ignoreBOM: true });
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The length of `text` in UTF-8; an unpaired surrogate counts as U+FFFD (3 bytes). */
function utf8Length(text) {
	let length = text.length;
	for (let i = 0; i < text.length; i++) {
		const unit = text.charCodeAt(i);
		if (unit >= 0x80) {
			if (unit < 0x800) {
				length += 1;
			}
			else if ((unit & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
				i++;
				length += 2;
			}
			else {
				length += 2;
			}
		}
	}
	return length;
}

/** Writes MessagePack into a buffer that grows as needed. */
class MsgpackWriter {
	bytes = new Uint8Array(2048);
	view = new DataView(this.bytes.buffer);
	pos = 0;

	reserve(count) {
		const needed = this.pos + count;
		if (needed > this.bytes.length) {
			let size = this.bytes.length * 2;
			while (size < needed) {
				size *= 2;
			}
			const bytes = new Uint8Array(size);
			bytes.set(this.bytes.subarray(0, this.pos));
			this.bytes = bytes;
			this.view = new DataView(bytes.buffer);
		}
	}

	byte(value) {
		this.reserve(1);
		this.bytes[this.pos++] = value;
	}

	/** A header: the fix form below `fixLimit`, else the 8- (if any), 16- or 32-bit form. */
	head(size, fixBase, fixLimit, code8, code16, code32) {
		this.reserve(5);
		if (size < fixLimit) {
			this.bytes[this.pos++] = fixBase | size;
		}
		else if (code8 !== 0 && size < 0x100) {
			this.bytes[this.pos] = code8;
			this.bytes[this.pos + 1] = size;
			this.pos += 2;
		}
		else if (size < 0x10000) {
			this.bytes[this.pos] = code16;
			this.view.setUint16(this.pos + 1, size);
			this.pos += 3;
		}
		else {
			this.bytes[this.pos] = code32;
			this.view.setUint32(this.pos + 1, size);
			this.pos += 5;
		}
	}

	value(value, depth) {
		switch (typeof value) {
			case 'string':
				this.string(value);
				break;
			case 'number':
				this.number(value);
				break;
			case 'boolean':
				this.byte(value ? 0xc3 : 0xc2);
				break;
			case 'bigint':
				this.bigint(value);
				break;
			case 'object':
				if (value === null) {
					this.byte(0xc0);
				}
				else {
					this.object(value, depth);
				}
				break;
			default:
				// undefined, functions and symbols: null, as JSON writes them in arrays
				this.byte(0xc0);
		}
	}

	number(value) {
		if (!Number.isInteger(value)) {
			if (Number.isFinite(value)) {
				this.reserve(9);
				this.bytes[this.pos] = 0xcb;
				this.view.setFloat64(this.pos + 1, value);
				this.pos += 9;
			}
			else {
				this.byte(0xc0); // NaN and infinities: null, as in JSON
			}
			return;
		}
		this.reserve(9);
		const bytes = this.bytes;
		const view = this.view;
		const pos = this.pos;
		if (value >= 0) {
			if (value < 0x80) {
				bytes[pos] = value;
				this.pos += 1;
			}
			else if (value < 0x100) {
				bytes[pos] = 0xcc;
				bytes[pos + 1] = value;
				this.pos += 2;
			}
			else if (value < 0x10000) {
				bytes[pos] = 0xcd;
				view.setUint16(pos + 1, value);
				this.pos += 3;
			}
			else if (value < TWO_32) {
				bytes[pos] = 0xce;
				view.setUint32(pos + 1, value);
				this.pos += 5;
			}
			else if (value < 18446744073709551616) {
				bytes[pos] = 0xcf;
				view.setBigUint64(pos + 1, BigInt(value));
				this.pos += 9;
			}
			else {
				bytes[pos] = 0xcb;
				view.setFloat64(pos + 1, value);
				this.pos += 9;
			}
		}
		else if (value >= -32) {
			bytes[pos] = value & 0xff;
			this.pos += 1;
		}
		else if (value >= -0x80) {
			bytes[pos] = 0xd0;
			view.setInt8(pos + 1, value);
			this.pos += 2;
		}
		else if (value >= -0x8000) {
			bytes[pos] = 0xd1;
			view.setInt16(pos + 1, value);
			this.pos += 3;
		}
		else if (value >= -0x80000000) {
			bytes[pos] = 0xd2;
			view.setInt32(pos + 1, value);
			this.pos += 5;
		}
		else if (value >= -9223372036854775808) {
			bytes[pos] = 0xd3;
			view.setBigInt64(pos + 1, BigInt(value));
			this.pos += 9;
		}
		else {
			bytes[pos] = 0xcb;
			view.setFloat64(pos + 1, value);
			this.pos += 9;
		}
	}

	bigint(value) {
		if (value >= -9007199254740991n && value <= 9007199254740991n) {
			this.number(Number(value));
			return;
		}
		this.reserve(9);
		if (value > 0n && value < 18446744073709551616n) {
			this.bytes[this.pos] = 0xcf;
			this.view.setBigUint64(this.pos + 1, value);
		}
		else if (value < 0n && value >= -9223372036854775808n) {
			this.bytes[this.pos] = 0xd3;
			this.view.setBigInt64(this.pos + 1, value);
		}
		else {
			throw new RangeError(`${value} does not fit a 64-bit MessagePack integer`);
		}
		this.pos += 9;
	}

	string(value) {
		if (value.length < 64) {
			const size = utf8Length(value);
			this.head(size, 0xa0, 32, 0xd9, 0xda, 0xdb);
			this.reserve(size);
			this.utf8(value);
			return;
		}
		// encode behind room for the largest header, then move the text to the header's end
		const most = value.length * 3;
		this.reserve(5 + most);
		const start = this.pos + 5;
		const size = utf8Encoder.encodeInto(value, this.bytes.subarray(start, start + most)).written;
		this.head(size, 0xa0, 32, 0xd9, 0xda, 0xdb);
		if (this.pos !== start) {
			this.bytes.copyWithin(this.pos, start, start + size);
		}
		this.pos += size;
	}

	/** UTF-8 of a short string, written by hand (faster than TextEncoder for a few characters). */
	utf8(value) {
		const bytes = this.bytes;
		let pos = this.pos;
		for (let i = 0; i < value.length; i++) {
			let code = value.charCodeAt(i);
			if (code < 0x80) {
				bytes[pos++] = code;
			}
			else if (code < 0x800) {
				bytes[pos++] = 0xc0 | (code >> 6);
				bytes[pos++] = 0x80 | (code & 0x3f);
			}
			else if ((code & 0xfc00) === 0xd800 && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
				code = 0x10000 + ((code - 0xd800) << 10) + (value.charCodeAt(++i) - 0xdc00);
				bytes[pos++] = 0xf0 | (code >> 18);
				bytes[pos++] = 0x80 | ((code >> 12) & 0x3f);
				bytes[pos++] = 0x80 | ((code >> 6) & 0x3f);
				bytes[pos++] = 0x80 | (code & 0x3f);
			}
			else {
				if ((code & 0xf800) === 0xd800) {
					code = 0xfffd; // an unpaired surrogate, as TextEncoder writes it
				}
				bytes[pos++] = 0xe0 | (code >> 12);
				bytes[pos++] = 0x80 | ((code >> 6) & 0x3f);
				bytes[pos++] = 0x80 | (code & 0x3f);
			}
		}
		this.pos = pos;
	}

	binary(bytes) {
		this.head(bytes.length, 0, 0, 0xc4, 0xc5, 0xc6);
		this.reserve(bytes.length);
		this.bytes.set(bytes, this.pos);
		this.pos += bytes.length;
	}

	object(value, depth) {
		if (depth >= MAX_NESTING) {
			throw new TypeError(`The value is nested more than ${MAX_NESTING} levels deep, or circular`);
		}
		const bytes = asBytes(value);
		if (bytes !== null) {
			this.binary(bytes);
			return;
		}
		if (typeof value.toJSON === 'function') {
			this.value(value.toJSON(''), depth + 1);
			return;
		}
		if (value instanceof String || value instanceof Number || value instanceof Boolean) {
			this.value(value.valueOf(), depth);
			return;
		}
		if (Array.isArray(value)) {
			this.head(value.length, 0x90, 16, 0, 0xdc, 0xdd);
			for (let i = 0; i < value.length; i++) {
				this.value(value[i], depth + 1);
			}
			return;
		}
		// members JSON would leave out (undefined, functions, symbols) are left out
		const keys = Object.keys(value);
		let count = 0;
		for (const key of keys) {
			if (written(value[key])) {
				count++;
			}
		}
		this.head(count, 0x80, 16, 0, 0xde, 0xdf);
		for (const key of keys) {
			const member = value[key];
			if (written(member)) {
				this.string(key);
				this.value(member, depth + 1);
			}
		}
	}
}

function written(member) {
	return member !== undefined && typeof member !== 'function' && typeof member !== 'symbol';
}

let spareWriter = null;

/**
 * Encodes a value as MessagePack: `null` and `undefined` as nil, booleans, integers in
 * the smallest int type (64-bit ones too, also as `BigInt`), other numbers as float64
 * (`NaN` and infinities as nil, as JSON writes them), strings as str (UTF-8), bytes
 * (`Uint8Array`, typed arrays, `DataView`, `ArrayBuffer`) as bin, arrays as array, other
 * objects as map of their own enumerable members (after `toJSON`, leaving out what JSON
 * leaves out).
 * @param {unknown} value
 * @returns {Uint8Array}
 */
export function encodeMsgpack(value) {
	const writer = spareWriter ?? new MsgpackWriter();
	spareWriter = null; // a toJSON method may encode too, meanwhile
	writer.pos = 0;
	try {
		writer.value(value, 0);
		return writer.bytes.slice(0, writer.pos);
	}
	finally {
		if (writer.bytes.length <= 65536) {
			spareWriter = writer;
		}
	}
}

/** Reads MessagePack values from bytes. */
class MsgpackReader {
	/** bin values read so far */
	bins = 0;
	pos = 0;

	constructor(bytes) {
		this.bytes = bytes;
		this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}

	get done() {
		return this.pos >= this.bytes.length;
	}

	need(count) {
		if (this.pos + count > this.bytes.length) {
			throw new RangeError('The MessagePack data ends too early');
		}
	}

	u8() {
		this.need(1);
		return this.bytes[this.pos++];
	}

	u16() {
		this.need(2);
		const value = this.view.getUint16(this.pos);
		this.pos += 2;
		return value;
	}

	u32() {
		this.need(4);
		const value = this.view.getUint32(this.pos);
		this.pos += 4;
		return value;
	}

	value(depth) {
		const type = this.u8();
		if (type < 0x80) {
			return type;
		}
		if (type < 0x90) {
			return this.map(type & 0x0f, depth);
		}
		if (type < 0xa0) {
			return this.array(type & 0x0f, depth);
		}
		if (type < 0xc0) {
			return this.string(type & 0x1f);
		}
		if (type >= 0xe0) {
			return type - 0x100;
		}
		const view = this.view;
		let value;
		switch (type) {
			case 0xc0:
				return null;
			case 0xc2:
				return false;
			case 0xc3:
				return true;
			case 0xc4:
				return this.binary(this.u8());
			case 0xc5:
				return this.binary(this.u16());
			case 0xc6:
				return this.binary(this.u32());
			case 0xca:
				this.need(4);
				value = view.getFloat32(this.pos);
				this.pos += 4;
				return value;
			case 0xcb:
				this.need(8);
				value = view.getFloat64(this.pos);
				this.pos += 8;
				return value;
			case 0xcc:
				return this.u8();
			case 0xcd:
				return this.u16();
			case 0xce:
				return this.u32();
			case 0xcf: {
				this.need(8);
				const high = view.getUint32(this.pos);
				value = high < 0x200000 ? high * TWO_32 + view.getUint32(this.pos + 4) : view.getBigUint64(this.pos);
				this.pos += 8;
				return value;
			}
			case 0xd0:
				this.need(1);
				return view.getInt8(this.pos++);
			case 0xd1:
				this.need(2);
				value = view.getInt16(this.pos);
				this.pos += 2;
				return value;
			case 0xd2:
				this.need(4);
				value = view.getInt32(this.pos);
				this.pos += 4;
				return value;
			case 0xd3: {
				this.need(8);
				const high = view.getInt32(this.pos);
				value = high >= -0x200000 && high < 0x200000 ? high * TWO_32 + view.getUint32(this.pos + 4) : null;
				if (value === null || !Number.isSafeInteger(value)) {
					value = view.getBigInt64(this.pos);
				}
				this.pos += 8;
				return value;
			}
			case 0xd9:
				return this.string(this.u8());
			case 0xda:
				return this.string(this.u16());
			case 0xdb:
				return this.string(this.u32());
			case 0xdc:
				return this.array(this.u16(), depth);
			case 0xdd:
				return this.array(this.u32(), depth);
			case 0xde:
				return this.map(this.u16(), depth);
			case 0xdf:
				return this.map(this.u32(), depth);
			case 0xc1:
				throw new TypeError('0xc1 is not a MessagePack type');
			default:
				throw new TypeError(`MessagePack extension types (0x${type.toString(16)}) are not part of the zmqws protocol`);
		}
	}

	string(length) {
		this.need(length);
		const start = this.pos;
		const end = start + length;
		this.pos = end;
		if (length < 24) {
			const bytes = this.bytes;
			let text = '';
			for (let i = start; i < end; i++) {
				const byte = bytes[i];
				if (byte >= 0x80) {
					return utf8Lenient.decode(bytes.subarray(start, end));
				}
				text += String.fromCharCode(byte);
			}
			return text;
		}
		return utf8Lenient.decode(this.bytes.subarray(start, end));
	}

	binary(length) {
		this.need(length);
		this.bins++;
		const bytes = this.bytes.slice(this.pos, this.pos + length);
		this.pos += length;
		return bytes;
	}

	array(length, depth) {
		this.nest(length, depth);
		const array = new Array(length);
		for (let i = 0; i < length; i++) {
			array[i] = this.value(depth + 1);
		}
		return array;
	}

	map(length, depth) {
		this.nest(length * 2, depth);
		const object = {};
		for (let i = 0; i < length; i++) {
			const key = this.value(depth + 1);
			const name = typeof key === 'string' ? key : String(key);
			const value = this.value(depth + 1);
			if (name === '__proto__') {
				Object.defineProperty(object, name, { value, enumerable: true, writable: true, configurable: true });
			}
			else {
				object[name] = value;
			}
		}
		return object;
	}

	nest(items, depth) {
		if (depth >= MAX_NESTING) {
			throw new RangeError(`The MessagePack data is nested more than ${MAX_NESTING} levels deep`);
		}
		this.need(items); // every item takes at least one byte
	}
}

function msgpackBytes(data) {
	const bytes = asBytes(data);
	if (bytes === null) {
		throw new TypeError('MessagePack data must be a Uint8Array, an ArrayBuffer or a typed array');
	}
	return bytes;
}

/**
 * Decodes one MessagePack value: nil as `null`, integers as numbers (64-bit ones outside
 * ±(2^53 − 1) as `BigInt`), floats as numbers, str as strings, bin as `Uint8Array`, array
 * as arrays, map as plain objects (keys that are not str are turned into strings).
 * Throws when the bytes hold anything else, end early or go on after the value.
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} data
 * @returns {unknown}
 */
export function decodeMsgpack(data) {
	const reader = new MsgpackReader(msgpackBytes(data));
	const value = reader.value(0);
	if (!reader.done) {
		throw new TypeError('The MessagePack data goes on after the value');
	}
	return value;
}

/**
 * Decodes MessagePack values written back to back (a batch of the HTTP transport).
 * @param {Uint8Array | ArrayBuffer | ArrayBufferView} data
 * @returns {unknown[]}
 */
export function decodeMsgpackStream(data) {
	const reader = new MsgpackReader(msgpackBytes(data));
	const values = [];
	while (!reader.done) {
		values.push(reader.value(0));
	}
	return values;
}

// ---------------------------------------------------------------------------------------
// Encodings
// ---------------------------------------------------------------------------------------

function badMessage(text, cause) {
	return new ZmqwsError('bad_message', text, { cause });
}

function parseJson(text) {
	try {
		return JSON.parse(text);
	}
	catch (error) {
		throw badMessage('The gateway sent a message that is not JSON', error);
	}
}

/** A frame the gateway sent as bin: text when it is valid UTF-8, as JSON would give it, else bytes. */
function binFrame(bytes) {
	try {
		return utf8Strict.decode(bytes);
	}
	catch (error) {
		return bytes;
	}
}

/** bin inside free values (results, event data, arguments) becomes base64 text, as JSON would give it. */
function binAsBase64(value) {
	if (value instanceof Uint8Array) {
		return toBase64(value);
	}
	if (Array.isArray(value)) {
		for (let i = 0; i < value.length; i++) {
			value[i] = binAsBase64(value[i]);
		}
	}
	else if (value !== null && typeof value === 'object') {
		for (const key of Object.keys(value)) {
			value[key] = binAsBase64(value[key]);
		}
	}
	return value;
}

/** Decodes a server message in MessagePack into the values the JSON encoding gives. */
function msgpackMessage(bytes) {
	const reader = new MsgpackReader(bytes);
	let message;
	try {
		message = reader.value(0);
		if (!reader.done) {
			throw new TypeError('The MessagePack data goes on after the value');
		}
	}
	catch (error) {
		throw badMessage('The gateway sent a message that is not MessagePack: ' + messageOf(error), error);
	}
	if (message === null || typeof message !== 'object' || Array.isArray(message) || reader.bins === 0) {
		return message;
	}
	let frameBins = 0;
	if (Array.isArray(message.frames)) {
		const frames = message.frames;
		for (let i = 0; i < frames.length; i++) {
			if (frames[i] instanceof Uint8Array) {
				frames[i] = binFrame(frames[i]);
				frameBins++;
			}
		}
	}
	if (message.topic instanceof Uint8Array) {
		message.topic = binFrame(message.topic);
		frameBins++;
	}
	if (reader.bins > frameBins) {
		for (const key of Object.keys(message)) {
			if (key !== 'frames' && key !== 'topic') {
				message[key] = binAsBase64(message[key]);
			}
		}
	}
	return message;
}

/**
 * The two encodings of protocol v1: how a message becomes a WebSocket message, an event
 * of the event stream and a line of a POST batch, and back.
 */
const ENCODINGS = Object.freeze({
	json: Object.freeze({
		protocol: PROTOCOLS.json,
		binary: false,
		contentType: 'application/x-ndjson',
		frame: encodeFrame,
		encode: (message) => JSON.stringify(message),
		decode(data) {
			if (typeof data !== 'string') {
				throw badMessage('Protocol zmqws.v1.json expects text frames');
			}
			return parseJson(data);
		},
		decodeEvent: parseJson,
		size: utf8Length,
		batch: (items) => items.join('\n') + '\n',
		label: 'JSON',
	}),
	msgpack: Object.freeze({
		protocol: PROTOCOLS.msgpack,
		binary: true,
		contentType: 'application/vnd.msgpack',
		// a snapshot of the bytes: the message may wait in the offline queue
		frame: (frame) => (typeof frame === 'string' ? utf8Encoder.encode(frame) : checkedBytes(frame).slice()),
		encode: encodeMsgpack,
		decode(data) {
			if (typeof data === 'string') {
				throw badMessage('Protocol zmqws.v1.msgpack expects binary frames');
			}
			return msgpackMessage(msgpackBytes(data));
		},
		decodeEvent(text) {
			let bytes;
			try {
				bytes = fromBase64(text);
			}
			catch (error) {
				throw badMessage('The gateway sent an event that is not base64', error);
			}
			return msgpackMessage(bytes);
		},
		size: (bytes) => bytes.length,
		batch(items) {
			let length = 0;
			for (const item of items) {
				length += item.length;
			}
			const body = new Uint8Array(length);
			let pos = 0;
			for (const item of items) {
				body.set(item, pos);
				pos += item.length;
			}
			return body;
		},
		label: 'MessagePack',
	}),
});

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------

function noop() {
}

/** A promise with its settle functions; rejections are never reported as unhandled. */
function deferred() {
	let resolve;
	let reject;
	const promise = new Promise((res, rej) => {
		resolve = res;
		reject = rej;
	});
	promise.catch(noop);
	return { promise, resolve, reject };
}

function report(error) {
	if (typeof globalThis.reportError === 'function') {
		globalThis.reportError(error);
	}
	else if (typeof console !== 'undefined') {
		console.error(error);
	}
}

function messageOf(error) {
	if (error instanceof Error) {
		return error.message || error.name;
	}
	return String(error);
}

function abortedBy(signal) {
	const reason = signal.reason;
	return new AbortedError(reason instanceof Error && reason.message ? reason.message : 'The operation was aborted',
		{ cause: reason });
}

/** A minimal event emitter. */
class Emitter {
	#handlers = new Map();

	/**
	 * Calls `handler` on every `type` event.
	 * @returns {() => void} a function that removes the handler
	 */
	on(type, handler) {
		if (!this.#handlers.has(type)) {
			this.#handlers.set(type, new Set());
		}
		this.#handlers.get(type).add(handler);
		return () => this.off(type, handler);
	}

	/** Calls `handler` on the next `type` event only. */
	once(type, handler) {
		const off = this.on(type, (...args) => {
			off();
			handler(...args);
		});
		return off;
	}

	/** Removes a handler added with `on`. */
	off(type, handler) {
		this.#handlers.get(type)?.delete(handler);
	}

	/** @protected */
	emit(type, ...args) {
		const handlers = this.#handlers.get(type);
		if (!handlers) {
			return;
		}
		for (const handler of [...handlers]) {
			try {
				handler(...args);
			}
			catch (error) {
				report(error);
			}
		}
	}
}

// ---------------------------------------------------------------------------------------
// Transports
// ---------------------------------------------------------------------------------------
// A link is one session's way to the gateway. It hands each decoded server message to
// `events.message`, an undecodable one to `events.invalid` and its end, once, to
// `events.closed(code, reason)`; after `close()` it reports nothing more.

/** One WebSocket connection. */
class WebSocketLink {
	#ws;
	#events;

	constructor(WebSocketClass, url, encoding, events) {
		const ws = new WebSocketClass(url, encoding.protocol);
		if (encoding.binary) {
			ws.binaryType = 'arraybuffer';
		}
		ws.onmessage = (event) => {
			let message;
			try {
				message = encoding.decode(event.data);
			}
			catch (error) {
				this.#events?.invalid(error);
				return;
			}
			this.#events?.message(message);
		};
		ws.onclose = (event) => {
			const ended = this.#events;
			this.#events = null;
			ended?.closed(event?.code ?? 1006, event?.reason ?? '');
		};
		ws.onerror = noop;
		this.#ws = ws;
		this.#events = events;
	}

	send(data) {
		this.#ws.send(data);
	}

	close(code, reason) {
		if (this.#events === null) {
			return;
		}
		this.#events = null;
		const ws = this.#ws;
		ws.onmessage = null;
		ws.onclose = null;
		try {
			// browsers accept only 1000 and 3000-4999 from applications
			ws.close(code === 1000 || (code >= 3000 && code <= 4999) ? code : 1000, reason);
		}
		catch (error) {
			// closing anyway
		}
	}
}

const EVENT_SOURCE_CLOSED = 2;
const POST_RETRY_FIRST_DELAY = 250;
const POST_RETRY_MAX_DELAY = 4000;
const DEFAULT_MAX_BATCH_SIZE = 1048576;

/** The URL of the HTTP transport for a gateway's WebSocket URL: http(s), same host and path, then `suffix`. */
function httpUrl(webSocketUrl, suffix) {
	const url = new URL(webSocketUrl);
	url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
	url.pathname = url.pathname.replace(/\/+$/, '') + suffix;
	url.hash = '';
	return url;
}

/**
 * One session over HTTP: Server-Sent Events from `GET {path}/sse` bring the server's
 * messages; `POST {path}/sse/{session}` takes the client's, numbered by `Zmqws-Seq`, one
 * request at a time, batching what was sent meanwhile. A broken event stream resumes on
 * its own (EventSource sends `Last-Event-ID`); a failed POST is sent again with the same
 * number, which the gateway accepts only once.
 */
class SseLink {
	#url;
	#encoding;
	#env;
	#events;
	#source;
	#session = null;
	/** The gateway ended the session itself: nothing to DELETE. */
	#gone = false;
	/** Encoded messages not posted yet: {data, size, fail}. */
	#outbox = [];
	/** The batch being posted: {seq, items, size, body}. */
	#inFlight = null;
	#seq = 0;
	#flushScheduled = false;
	#abort = null;
	#retryTimer = null;
	#retryDelay = POST_RETRY_FIRST_DELAY;
	#failingSince = null;
	#resumeTimer = null;
	/** Upper bound of a batch's size after the gateway refused one as too large. */
	#sizeCap = Infinity;

	/**
	 * @param {string} url the gateway's WebSocket URL
	 * @param {object} encoding one of ENCODINGS
	 * @param {{EventSource: Function, fetch: Function, timers: object, now: () => number,
	 *     resumeTimeout: number, maxBatchSize: () => number | undefined}} env
	 * @param {object} events
	 */
	constructor(url, encoding, env, events) {
		this.#url = url;
		this.#encoding = encoding;
		this.#env = env;
		const streamUrl = httpUrl(url, '/sse');
		streamUrl.searchParams.set('protocol', encoding.protocol);
		const source = new env.EventSource(streamUrl.href, { withCredentials: false });
		source.onmessage = (event) => this.#received(event.data);
		source.addEventListener('close', (event) => this.#closedByServer(event.data));
		source.onerror = () => this.#streamFailed();
		source.onopen = () => this.#clearTimer('resume');
		this.#source = source;
		this.#events = events;
	}

	send(data, fail) {
		if (this.#events === null) {
			return;
		}
		const size = this.#encoding.size(data) + (this.#encoding.binary ? 0 : 1);
		this.#outbox.push({ data, size, fail });
		if (!this.#flushScheduled && this.#inFlight === null) {
			// what is sent in the same task goes in one POST
			this.#flushScheduled = true;
			queueMicrotask(() => {
				this.#flushScheduled = false;
				this.#flush();
			});
		}
	}

	close() {
		if (this.#events !== null) {
			this.#shutDown();
		}
	}

	#received(data) {
		if (this.#events === null) {
			return;
		}
		let message;
		try {
			message = this.#encoding.decodeEvent(data);
		}
		catch (error) {
			this.#events.invalid(error);
			return;
		}
		if (this.#session === null && message?.op === 'welcome') {
			if (typeof message.session !== 'string' || message.session === '') {
				this.#end(1002, 'The welcome names no session');
				return;
			}
			this.#session = message.session;
		}
		this.#events.message(message);
	}

	#closedByServer(data) {
		if (this.#events === null) {
			return;
		}
		let code = 1006;
		let reason = '';
		try {
			const details = JSON.parse(data);
			code = Number.isInteger(details?.code) ? details.code : code;
			reason = typeof details?.reason === 'string' ? details.reason : reason;
		}
		catch (error) {
			// a close without details
		}
		this.#gone = true;
		this.#end(code, reason);
	}

	#streamFailed() {
		if (this.#events === null) {
			return;
		}
		if (this.#session === null) {
			this.#end(1006, 'The event stream could not be opened');
		}
		else if (this.#source.readyState === EVENT_SOURCE_CLOSED) {
			this.#end(1006, 'The event stream broke and could not be resumed');
		}
		else if (this.#resumeTimer === null) {
			// EventSource reconnects by itself, sending Last-Event-ID; the session waits for it
			const timeout = this.#env.resumeTimeout;
			this.#resumeTimer = this.#env.timers.setTimeout(() => {
				this.#resumeTimer = null;
				this.#end(1006, `The event stream did not resume within ${timeout} ms`);
			}, timeout);
		}
	}

	#flush() {
		if (this.#events === null || this.#inFlight !== null || this.#outbox.length === 0 || this.#session === null) {
			return;
		}
		const cap = Math.min(this.#env.maxBatchSize() || DEFAULT_MAX_BATCH_SIZE, this.#sizeCap);
		let count = 0;
		let size = 0;
		while (count < this.#outbox.length && (count === 0 || size + this.#outbox[count].size <= cap)) {
			size += this.#outbox[count].size;
			count++;
		}
		const items = this.#outbox.splice(0, count);
		this.#inFlight = { seq: ++this.#seq, items, size, body: this.#encoding.batch(items.map((item) => item.data)) };
		this.#post();
	}

	#post() {
		const batch = this.#inFlight;
		const controller = typeof AbortController === 'function' ? new AbortController() : null;
		this.#abort = controller;
		let response;
		try {
			response = this.#env.fetch(this.#sessionUrl(), {
				method: 'POST',
				headers: { 'Content-Type': this.#encoding.contentType, 'Zmqws-Seq': String(batch.seq) },
				body: batch.body,
				credentials: 'same-origin',
				cache: 'no-store',
				signal: controller?.signal,
			});
		}
		catch (error) {
			response = Promise.reject(error);
		}
		Promise.resolve(response).then((answer) => this.#posted(batch, answer.status),
			(error) => this.#postFailed(batch, messageOf(error)));
	}

	#posted(batch, status) {
		if (this.#events === null || this.#inFlight !== batch) {
			return;
		}
		this.#abort = null;
		if (status >= 200 && status < 300) {
			this.#inFlight = null;
			this.#failingSince = null;
			this.#retryDelay = POST_RETRY_FIRST_DELAY;
			this.#flush();
		}
		else if (status === 413) {
			this.#refusedAsTooLarge(batch);
		}
		else if (status === 404) {
			this.#gone = true;
			this.#end(1006, 'The gateway no longer knows the session (HTTP 404)');
		}
		else if (status === 401 || status === 403) {
			this.#end(1008, `The gateway refused the session's messages (HTTP ${status})`);
		}
		else if (status === 408 || status === 429 || status >= 500) {
			this.#retry(batch, `HTTP ${status}`);
		}
		else {
			this.#end(1002, `The gateway refused a batch of messages (HTTP ${status})`);
		}
	}

	#refusedAsTooLarge(batch) {
		// the gateway did not take the number: the next batch uses it again
		this.#seq--;
		this.#inFlight = null;
		this.#sizeCap = Math.max(1, batch.size - 1);
		if (batch.items.length > 1) {
			this.#outbox.unshift(...batch.items);
		}
		else {
			batch.items[0].fail?.(new ZmqwsError('message_too_large',
				`The message is larger than the gateway accepts in one POST (${batch.size} bytes)`));
		}
		this.#flush();
	}

	#postFailed(batch, why) {
		if (this.#events !== null && this.#inFlight === batch) {
			this.#abort = null;
			this.#retry(batch, why);
		}
	}

	/** Posts the same batch with the same number again, after a growing delay. */
	#retry(batch, why) {
		const now = this.#env.now();
		this.#failingSince ??= now;
		const timeout = this.#env.resumeTimeout;
		if (now - this.#failingSince >= timeout) {
			this.#end(1006, `Messages could not be posted for ${timeout} ms (${why})`);
			return;
		}
		const delay = this.#retryDelay;
		this.#retryDelay = Math.min(POST_RETRY_MAX_DELAY, delay * 2);
		this.#retryTimer = this.#env.timers.setTimeout(() => {
			this.#retryTimer = null;
			if (this.#events !== null && this.#inFlight === batch) {
				this.#post();
			}
		}, delay);
	}

	#sessionUrl() {
		return httpUrl(this.#url, '/sse/' + encodeURIComponent(this.#session)).href;
	}

	#end(code, reason) {
		const events = this.#events;
		this.#shutDown();
		events.closed(code, reason);
	}

	#shutDown() {
		this.#events = null;
		const source = this.#source;
		source.onmessage = null;
		source.onerror = null;
		source.onopen = null;
		source.close();
		this.#clearTimer('resume');
		this.#clearTimer('retry');
		this.#abort?.abort();
		this.#abort = null;
		this.#outbox = [];
		this.#inFlight = null;
		if (this.#session !== null && !this.#gone) {
			try {
				Promise.resolve(this.#env.fetch(this.#sessionUrl(), { method: 'DELETE', credentials: 'same-origin', keepalive: true }))
					.catch(noop);
			}
			catch (error) {
				// the session expires on the gateway anyway
			}
		}
	}

	#clearTimer(name) {
		const handle = name === 'resume' ? this.#resumeTimer : this.#retryTimer;
		if (handle !== null) {
			this.#env.timers.clearTimeout(handle);
		}
		if (name === 'resume') {
			this.#resumeTimer = null;
		}
		else {
			this.#retryTimer = null;
		}
	}
}

// ---------------------------------------------------------------------------------------
// Connection
// ---------------------------------------------------------------------------------------

const RECONNECT_DEFAULTS = Object.freeze({ initialDelay: 500, maxDelay: 15000, factor: 2, jitter: 0.5,
	maxAttempts: Infinity });

const MAX_TIMER = 2147483647;

function defaultUrl() {
	const location = globalThis.location;
	if (!location || !location.host) {
		throw new TypeError('connect() needs a URL outside a browser page');
	}
	return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/zmqws';
}

function resolveUrl(url) {
	if (url === undefined || url === null || url === '') {
		return defaultUrl();
	}
	let text = String(url);
	if (/^https?:/i.test(text)) {
		return text.replace(/^http/i, 'ws');
	}
	if (!/^wss?:/i.test(text)) {
		const location = globalThis.location;
		if (!location || !location.host) {
			throw new TypeError(`Cannot resolve '${text}' outside a browser page`);
		}
		const base = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host;
		text = new URL(text, base + (location.pathname || '/')).href;
	}
	return text;
}

/** A subscription to a topic of a SUB endpoint, or to a path. */
export class Subscription {
	#unsubscribe;

	/** @internal */
	constructor(target, topic, handler, ready, unsubscribe) {
		/** The endpoint name, or the path for a path subscription. */
		this.target = target;
		/** The function messages or events are given to. @type {Function | null} */
		this.handler = handler;
		/** The topic prefix, or `undefined` for a path subscription. */
		this.topic = topic;
		/**
		 * Resolves once the gateway confirmed the subscription; rejects with its error (the
		 * subscription is then void).
		 * @type {Promise<void>}
		 */
		this.ready = ready;
		this.#unsubscribe = unsubscribe;
		/** Whether the subscription still delivers. */
		this.active = true;
	}

	/** Stops delivery; the gateway is told once the last handler for the topic or path is gone. */
	unsubscribe() {
		if (this.active) {
			this.active = false;
			this.#unsubscribe(this);
		}
	}
}

/** A browser function registered for the server to call. */
export class Registration {
	#unregister;

	/** @internal */
	constructor(name, ready, unregister) {
		/** The function's name. */
		this.name = name;
		/** Resolves once the gateway confirmed the registration. @type {Promise<void>} */
		this.ready = ready;
		this.#unregister = unregister;
		this.active = true;
	}

	/** Withdraws the function. */
	unregister() {
		if (this.active) {
			this.active = false;
			this.#unregister(this);
		}
	}
}

/**
 * The items of a streaming call, as an async iterator. Leaving a `for await` loop early
 * (or calling `return()` or `cancel()`) cancels the call on the server.
 */
export class CallStream {
	#items = [];
	#waiters = [];
	#finished = false;
	#error = null;
	#cancel;

	/** @internal */
	constructor(cancel) {
		this.#cancel = cancel;
	}

	/** @internal */
	push(value) {
		if (this.#finished) {
			return;
		}
		const waiter = this.#waiters.shift();
		if (waiter) {
			waiter.resolve({ value, done: false });
		}
		else {
			this.#items.push(value);
		}
	}

	/** @internal */
	end(error) {
		if (this.#finished) {
			return;
		}
		this.#finished = true;
		this.#error = error ?? null;
		for (const waiter of this.#waiters.splice(0)) {
			if (error) {
				waiter.reject(error);
			}
			else {
				waiter.resolve({ value: undefined, done: true });
			}
		}
	}

	/** @returns {Promise<IteratorResult<unknown>>} */
	next() {
		if (this.#items.length > 0) {
			return Promise.resolve({ value: this.#items.shift(), done: false });
		}
		if (this.#finished) {
			if (this.#error) {
				const error = this.#error;
				this.#error = null;
				return Promise.reject(error);
			}
			return Promise.resolve({ value: undefined, done: true });
		}
		return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
	}

	/** Cancels the call and ends the iteration. */
	return(value) {
		this.cancel();
		return Promise.resolve({ value, done: true });
	}

	/** Cancels the call and ends the iteration. */
	throw(error) {
		this.cancel();
		return Promise.reject(error);
	}

	/** Cancels the call (sends `cancel` if it is running); items not read yet are dropped. */
	cancel() {
		if (!this.#finished) {
			this.#cancel();
			this.#items = [];
			this.end();
		}
	}

	[Symbol.asyncIterator]() {
		return this;
	}
}

/**
 * One connection to a zmqws gateway, kept alive across network failures and server
 * restarts. Create it with {@link connect}.
 *
 * Events (subscribe with `on(type, handler)`): `state` (state, previous, details),
 * `connecting`, `open`, `reconnecting` (details: attempt, delay, code, reason),
 * `closed`, `welcome` (the welcome message), `authenticated` ({user, expiresAt}),
 * `authfailed` (error), `error` (errors no operation claims, e.g. a failed
 * subscription), `dropped` (count of published messages lost for a slow reader),
 * `fallback` ({transport, code, reason}: the WebSocket failed before its welcome and the
 * HTTP transport takes over).
 */
export class Connection extends Emitter {
	/** @type {string} */
	url;
	/** @type {'connecting' | 'open' | 'reconnecting' | 'closed'} */
	state = 'connecting';
	/** The gateway's session id of the current connection, or null. @type {string | null} */
	session = null;
	/** The limits announced by the gateway, or null. */
	limits = null;
	/** The authenticated user, or null. @type {string | null} */
	user = null;
	/** When the authentication expires (ms since the epoch), or null. @type {number | null} */
	expiresAt = null;
	/** Successful connections so far (the first included). */
	connectCount = 0;
	/**
	 * The transport of the current connection or attempt: `websocket`, or `sse` for
	 * Server-Sent Events and POST. @type {'websocket' | 'sse'}
	 */
	transport;
	/** The HTTP version the gateway reported in the welcome (`1.1` or `2`), or null. @type {string | null} */
	http = null;
	/** The encoding of the messages. @type {'json' | 'msgpack'} */
	encoding;

	#codec;
	/** The transport for this and later connections, or null while `auto` has not decided. */
	#chosen;
	#WebSocket;
	#EventSource;
	#fetch;
	#fallbackAfter;
	#resumeTimeout;
	#timers;
	#random;
	#now;
	#reconnect;
	#maxQueue;
	#handshakeTimeout;
	#authRefreshMargin;
	#token;

	#link = null;
	#generation = 0;
	#online = false;
	#closedByUser = false;
	#attempt = 0;
	/** Pending timers by name: reconnect, handshake, fallback, refresh. */
	#timerHandles = new Map();
	#authWaiter = null;
	#authChain = Promise.resolve();

	#nextId = 1;
	#nextSid = 1;
	/** Operations by id: requests, pushes, calls, pings. */
	#pending = new Map();
	/** `methods` operations, answered in order. */
	#methodWaiters = [];
	/** Operations waiting for the connection, in order. */
	#queue = [];
	/** Virtual sockets by `${type} ${endpoint}`, and by sid. */
	#sockets = new Map();
	#socketsBySid = new Map();
	/** Path subscriptions by path, and those awaiting `subscribed`, in order. */
	#paths = new Map();
	#pathsSubscribing = [];
	/** Registered functions by name, and those awaiting `registered`, in order. */
	#functions = new Map();
	#registering = [];

	/**
	 * @param {string} [url] defaults to the page's origin and `/zmqws`
	 * @param {ConnectOptions} [options]
	 */
	constructor(url, options = {}) {
		super();
		this.url = resolveUrl(url);
		const encoding = options.encoding ?? 'json';
		if (!Object.hasOwn(ENCODINGS, encoding)) {
			throw new TypeError(`Unknown encoding '${encoding}': use 'json' or 'msgpack'`);
		}
		this.encoding = encoding;
		this.#codec = ENCODINGS[encoding];
		this.#chosen = this.#chooseTransport(options);
		this.#fallbackAfter = options.fallbackAfter ?? 4000;
		this.#resumeTimeout = options.resumeTimeout ?? 15000;
		this.#timers = {
			setTimeout: options.timers?.setTimeout ?? ((fn, ms) => globalThis.setTimeout(fn, ms)),
			clearTimeout: options.timers?.clearTimeout ?? ((handle) => globalThis.clearTimeout(handle)),
		};
		this.#random = options.random ?? Math.random;
		this.#now = options.now ?? Date.now;
		this.#reconnect = options.reconnect === false ? null : { ...RECONNECT_DEFAULTS, ...(options.reconnect ?? {}) };
		this.#maxQueue = options.maxQueue ?? 100;
		this.#handshakeTimeout = options.handshakeTimeout ?? 10000;
		this.#authRefreshMargin = options.authRefreshMargin ?? 30000;
		this.#token = options.token ?? null;
		this.#open();
		// listeners added right after connect() still hear that the first connection starts
		queueMicrotask(() => {
			if (this.state === 'connecting') {
				this.emit('connecting', {});
			}
		});
	}

	/** The transport option and the implementations at hand decide; null means try the WebSocket first. */
	#chooseTransport(options) {
		const transport = options.transport ?? 'auto';
		if (transport !== 'auto' && transport !== 'websocket' && transport !== 'sse') {
			throw new TypeError(`Unknown transport '${transport}': use 'auto', 'websocket' or 'sse'`);
		}
		this.#WebSocket = options.WebSocket ?? globalThis.WebSocket;
		this.#EventSource = options.EventSource ?? globalThis.EventSource;
		this.#fetch = options.fetch ?? (typeof globalThis.fetch === 'function' ? (input, init) => globalThis.fetch(input, init) : null);
		const webSocket = typeof this.#WebSocket === 'function';
		const sse = typeof this.#EventSource === 'function' && typeof this.#fetch === 'function';
		if ((transport === 'websocket' || (transport === 'auto' && !sse)) && !webSocket) {
			throw new TypeError('No WebSocket implementation: pass options.WebSocket');
		}
		if ((transport === 'sse' || (transport === 'auto' && !webSocket)) && !sse) {
			throw new TypeError('No EventSource or fetch implementation: pass options.EventSource and options.fetch');
		}
		if (transport === 'auto') {
			return webSocket && sse ? null : webSocket ? 'websocket' : 'sse';
		}
		return transport;
	}

	/** Whether operations go out at once (the connection is open). */
	get online() {
		return this.#online;
	}

	/** Operations waiting in the offline queue. */
	get queued() {
		return this.#queue.length;
	}

	/**
	 * Resolves when the connection is open (at once if it is); rejects if it is closed.
	 * @returns {Promise<void>}
	 */
	opened() {
		if (this.state === 'open') {
			return Promise.resolve();
		}
		if (this.state === 'closed') {
			return Promise.reject(new DisconnectedError('The connection is closed'));
		}
		return new Promise((resolve, reject) => {
			const offOpen = this.once('open', () => {
				offClosed();
				resolve();
			});
			const offClosed = this.once('closed', () => {
				offOpen();
				reject(new DisconnectedError('The connection is closed'));
			});
		});
	}

	// --- request / reply, push -----------------------------------------------------------

	/**
	 * Sends a request to a REQ endpoint and resolves with the reply's frames (strings, or
	 * `Uint8Array`s for frames that are not UTF-8). One virtual socket per endpoint is
	 * opened on first use and reused; many requests may be in flight.
	 * @param {string} endpoint
	 * @param {Frame | Frame[]} message
	 * @param {{timeout?: number, signal?: AbortSignal}} [options]
	 * @returns {Promise<Array<string | Uint8Array>>}
	 */
	request(endpoint, message, options = {}) {
		return this.#socketOperation('REQ', endpoint, 'request', message, options, (reply) => reply.frames.map(receivedFrame));
	}

	/**
	 * Sends a message to a PUSH endpoint; resolves once the gateway handed it to ZeroMQ.
	 * @param {string} endpoint
	 * @param {Frame | Frame[]} message
	 * @param {{signal?: AbortSignal}} [options]
	 * @returns {Promise<void>}
	 */
	push(endpoint, message, options = {}) {
		return this.#socketOperation('PUSH', endpoint, 'push', message, options, () => undefined);
	}

	#socketOperation(type, endpoint, op, message, options, resultOf) {
		let frames;
		try {
			checkName(endpoint, 'endpoint');
			frames = framesOf(message).map(this.#codec.frame);
		}
		catch (error) {
			return Promise.reject(error);
		}
		const socket = this.#socket(type, endpoint);
		const id = this.#nextId++;
		const wire = { op, sid: socket.sid, id, frames };
		if (options.timeout !== undefined) {
			wire.timeout = Math.max(1, Math.round(options.timeout));
		}
		return this.#operation(wire, options.signal, (entry) => {
			entry.sid = socket.sid;
			entry.onMessage = (answer) => entry.resolve(resultOf(answer));
		}, () => this.#ensureSocket(socket));
	}

	// --- subscriptions ---------------------------------------------------------------------

	/**
	 * Subscribes to a topic prefix of a SUB endpoint, or to events of a path.
	 *
	 * `subscribe(endpoint, topic, handler)` calls `handler(frames, info)` for every message
	 * whose first frame starts with `topic` (`''` for all; `subscribe(endpoint, handler)`
	 * means that); `info` holds `endpoint`, `topic` and `dropped`.
	 *
	 * `subscribe(path, handler)`, with a path starting with `/`, calls `handler(data, path)`
	 * for every event the server publishes to the path or below it.
	 * @returns {Subscription}
	 */
	subscribe(target, topicOrHandler, handler) {
		if (typeof target === 'string' && target.startsWith('/')) {
			return this.#subscribePath(target, topicOrHandler);
		}
		if (typeof topicOrHandler === 'function' && handler === undefined) {
			return this.#subscribeTopic(target, '', topicOrHandler);
		}
		return this.#subscribeTopic(target, topicOrHandler, handler);
	}

	#subscribeTopic(endpoint, topic, handler) {
		checkName(endpoint, 'endpoint');
		if (typeof handler !== 'function') {
			throw new TypeError('subscribe() needs a handler function');
		}
		const key = topicKey(topic);
		const socket = this.#socket('SUB', endpoint);
		let entry = socket.topics.get(key);
		if (!entry) {
			entry = { key, topic, bytes: frameBytes(topic), subscriptions: new Set(), ready: deferred(), confirmed: false };
			socket.topics.set(key, entry);
			if (this.#online) {
				this.#ensureSocket(socket);
				this.#sendSubscribe(socket, entry);
			}
		}
		const subscription = new Subscription(endpoint, topic, handler, entry.ready.promise, (gone) => {
			gone.handler = null;
			entry.subscriptions.delete(gone);
			if (entry.subscriptions.size === 0 && socket.topics.get(key) === entry) {
				socket.topics.delete(key);
				if (this.#online && socket.status !== 'new') {
					this.#send({ op: 'unsubscribe', sid: socket.sid, topic: this.#codec.frame(topic) });
				}
			}
		});
		entry.subscriptions.add(subscription);
		return subscription;
	}

	#sendSubscribe(socket, entry) {
		socket.subscribing.push(entry);
		this.#send({ op: 'subscribe', sid: socket.sid, topic: this.#codec.frame(entry.topic) });
	}

	#subscribePath(path, handler) {
		checkPath(path);
		if (typeof handler !== 'function') {
			throw new TypeError('subscribe() needs a handler function');
		}
		let entry = this.#paths.get(path);
		if (!entry) {
			entry = { path, subscriptions: new Set(), ready: deferred() };
			this.#paths.set(path, entry);
			if (this.#online) {
				this.#sendPathSubscribe(entry);
			}
		}
		const subscription = new Subscription(path, undefined, handler, entry.ready.promise, (gone) => {
			gone.handler = null;
			entry.subscriptions.delete(gone);
			if (entry.subscriptions.size === 0 && this.#paths.get(path) === entry) {
				this.#paths.delete(path);
				if (this.#online) {
					this.#send({ op: 'unsubscribe', path });
				}
			}
		});
		entry.subscriptions.add(subscription);
		return subscription;
	}

	#sendPathSubscribe(entry) {
		this.#pathsSubscribing.push(entry);
		this.#send({ op: 'subscribe', path: entry.path });
	}

	// --- RPC -------------------------------------------------------------------------------

	/**
	 * Calls an RPC method (`service.method`) and resolves with its result. A streaming
	 * method's items are collected into an array. Aborting `signal` cancels the call.
	 * @param {string} method
	 * @param {unknown[]} [args] positional arguments
	 * @param {Record<string, unknown>} [kwargs] keyword arguments
	 * @param {{timeout?: number, signal?: AbortSignal}} [options]
	 * @returns {Promise<unknown>}
	 */
	rpc(method, args, kwargs, options = {}) {
		let wire;
		try {
			wire = callMessage(this.#nextId++, method, args, kwargs, options);
		}
		catch (error) {
			return Promise.reject(error);
		}
		return this.#operation(wire, options.signal, (entry) => {
			let items = null;
			entry.cancellable = true;
			entry.onMessage = (answer) => {
				if (answer.op === 'result') {
					entry.resolve(answer.value);
				}
				else if (answer.op === 'item') {
					(items ??= []).push(answer.value);
					return false;
				}
				else {
					entry.resolve(items ?? []);
				}
				return true;
			};
		});
	}

	/**
	 * Calls a streaming RPC method and returns its items as an async iterator:
	 * `for await (const item of connection.stream('calc.countdown', [5])) { ... }`.
	 * Leaving the loop early, `return()`, `cancel()` or aborting `signal` cancels the call.
	 * A failure is thrown from the loop.
	 * @returns {CallStream}
	 */
	stream(method, args, kwargs, options = {}) {
		const id = this.#nextId++;
		let entry = null;
		const stream = new CallStream(() => {
			if (entry && this.#pending.get(id) === entry) {
				this.#cancelOperation(entry);
			}
		});
		let wire;
		try {
			wire = callMessage(id, method, args, kwargs, options);
		}
		catch (error) {
			stream.end(error);
			return stream;
		}
		const done = this.#operation(wire, options.signal, (created) => {
			entry = created;
			entry.cancellable = true;
			entry.onMessage = (answer) => {
				if (answer.op === 'item') {
					stream.push(answer.value);
					return false;
				}
				if (answer.op === 'result') {
					stream.push(answer.value);
				}
				entry.resolve();
				return true;
			};
		});
		done.then(() => stream.end(), (error) => stream.end(error));
		return stream;
	}

	/**
	 * Lists the RPC methods the caller may call.
	 * @returns {Promise<Array<{name: string, params: string[], streaming: boolean}>>}
	 */
	methods() {
		return new Promise((resolve, reject) => {
			const entry = { resolve, reject, sent: false, message: { op: 'methods' }, methods: true };
			this.#enqueue(entry);
		});
	}

	/**
	 * Sends an application-level ping; resolves with the round trip in milliseconds.
	 * @returns {Promise<number>}
	 */
	ping() {
		const started = this.#now();
		return this.#operation({ op: 'ping', id: this.#nextId++ }, undefined, (entry) => {
			entry.onMessage = () => entry.resolve(this.#now() - started);
		});
	}

	// --- server-to-browser calls -------------------------------------------------------------

	/**
	 * Offers a function the server may call (`ZmqwsTemplate.invoke`/`ask`). For calls the
	 * server awaits, the function's return value (or the resolved value of the promise it
	 * returns) is sent back, or the message of the error it throws. Registering a name
	 * again replaces the function.
	 * @param {string} name letters, digits, `_`, `.` or `-`, at most 64
	 * @param {(...args: unknown[]) => unknown} fn
	 * @returns {Registration}
	 */
	register(name, fn) {
		if (typeof name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(name)) {
			throw new TypeError(`Invalid function name '${name}'`);
		}
		if (typeof fn !== 'function') {
			throw new TypeError('register() needs a function');
		}
		let entry = this.#functions.get(name);
		if (!entry) {
			entry = { name, fn, ready: deferred(), registrations: new Set() };
			this.#functions.set(name, entry);
			if (this.#online) {
				this.#sendRegister(entry);
			}
		}
		entry.fn = fn;
		const registration = new Registration(name, entry.ready.promise, (gone) => {
			entry.registrations.delete(gone);
			if (entry.registrations.size === 0 && this.#functions.get(name) === entry) {
				this.#functions.delete(name);
				if (this.#online) {
					this.#send({ op: 'unregister', name });
				}
			}
		});
		entry.registrations.add(registration);
		return registration;
	}

	#sendRegister(entry) {
		this.#registering.push(entry);
		this.#send({ op: 'register', name: entry.name });
	}

	// --- authentication --------------------------------------------------------------------

	/**
	 * Authenticates again: with `token` if given (a string or a function returning one or a
	 * promise of one), which also replaces the token used after reconnecting, otherwise
	 * with the configured token. Resolves with `{user, expiresAt}`; rejects with
	 * `UnauthenticatedError`, or `DisconnectedError` when the connection is not open.
	 * @returns {Promise<{user: string, expiresAt: number | null}>}
	 */
	refreshToken(token) {
		if (token !== undefined) {
			this.#token = token;
		}
		if (this.#token === null || this.#token === undefined) {
			return Promise.reject(new TypeError('No token: pass one to refreshToken() or options.token'));
		}
		if (!this.#online) {
			return Promise.reject(new DisconnectedError('The connection is not open; it authenticates when it is'));
		}
		return this.#authenticate(this.#generation);
	}

	#authenticate(generation) {
		const run = this.#authChain.then(async () => {
			if (generation !== this.#generation) {
				throw new DisconnectedError('The connection closed before authenticating');
			}
			const token = typeof this.#token === 'function' ? await this.#token() : this.#token;
			if (generation !== this.#generation) {
				throw new DisconnectedError('The connection closed before authenticating');
			}
			if (typeof token !== 'string' || token === '') {
				throw new UnauthenticatedError('The token source gave no token');
			}
			return new Promise((resolve, reject) => {
				this.#authWaiter = { resolve, reject };
				this.#raw({ op: 'auth', token });
			});
		});
		this.#authChain = run.catch(noop);
		return run;
	}

	#authenticated(message) {
		this.user = typeof message.user === 'string' ? message.user : null;
		this.expiresAt = parseExpiry(message.expiresAt);
		this.#clearTimer('refresh');
		if (this.expiresAt !== null && typeof this.#token === 'function') {
			const delay = Math.min(MAX_TIMER, Math.max(0, this.expiresAt - this.#now() - this.#authRefreshMargin));
			const generation = this.#generation;
			this.#startTimer('refresh', delay, () => {
				if (generation === this.#generation && this.#online) {
					this.#authenticate(generation).catch((error) => this.emit('authfailed', error));
				}
			});
		}
		const waiter = this.#authWaiter;
		this.#authWaiter = null;
		const result = { user: this.user, expiresAt: this.expiresAt };
		this.emit('authenticated', result);
		waiter?.resolve(result);
	}

	// --- lifecycle -------------------------------------------------------------------------

	/**
	 * Closes the connection for good: everything in flight or queued fails with
	 * `DisconnectedError`, no reconnect follows.
	 */
	close() {
		if (this.#closedByUser) {
			return;
		}
		this.#closedByUser = true;
		this.#clearTimer('reconnect');
		const error = new DisconnectedError('The connection was closed by the client');
		this.#drop(error, 1000, 'Client closed');
		this.#failQueued(error);
		this.#setState('closed', { code: 1000, reason: 'Client closed' });
	}

	#open() {
		const generation = ++this.#generation;
		this.transport = this.#chosen ?? 'websocket';
		const events = {
			message: (message) => {
				if (generation === this.#generation) {
					this.#receive(message, generation);
				}
			},
			invalid: (error) => {
				if (generation === this.#generation) {
					this.emit('error', error);
				}
			},
			closed: (code, reason) => this.#lost(generation, code, reason),
		};
		try {
			this.#link = this.transport === 'sse'
				? new SseLink(this.url, this.#codec, {
					EventSource: this.#EventSource,
					fetch: this.#fetch,
					timers: this.#timers,
					now: this.#now,
					resumeTimeout: this.#resumeTimeout,
					maxBatchSize: () => this.limits?.maxBatchSize,
				}, events)
				: new WebSocketLink(this.#WebSocket, this.url, this.#codec, events);
		}
		catch (error) {
			this.#lost(generation, 1006, messageOf(error));
			return;
		}
		this.#startTimer('handshake', this.#handshakeTimeout, () => this.#lost(generation, 4000, 'Handshake timed out'));
		if (this.#chosen === null) {
			this.#startTimer('fallback', this.#fallbackAfter,
				() => this.#lost(generation, 4000, `No welcome within ${this.#fallbackAfter} ms`));
		}
	}

	#lost(generation, code, reason) {
		if (generation !== this.#generation || this.#closedByUser) {
			return;
		}
		const detail = reason ? `${code}: ${reason}` : `${code}`;
		this.#drop(new DisconnectedError(`The connection was lost (${detail})`), code, reason);
		if (this.#chosen === null) {
			// auto: the WebSocket failed before its welcome; the HTTP transport takes over for good
			this.#chosen = 'sse';
			this.emit('fallback', { transport: 'sse', code, reason });
			this.#open();
			return;
		}
		if (!this.#reconnect || this.#attempt >= this.#reconnect.maxAttempts) {
			this.#closedByUser = true;
			this.#failQueued(new DisconnectedError(`The connection closed (${detail})`));
			this.#setState('closed', { code, reason });
			return;
		}
		const attempt = ++this.#attempt;
		const delay = this.backoffDelay(attempt);
		this.#startTimer('reconnect', delay, () => this.#open());
		this.#setState('reconnecting', { attempt, delay, code, reason });
	}

	/**
	 * The delay before reconnect attempt `attempt` (1 for the first): the initial delay
	 * times the factor for each earlier attempt, at most the maximum, less a random part of
	 * up to `jitter` of it.
	 * @param {number} attempt
	 * @returns {number} milliseconds
	 */
	backoffDelay(attempt) {
		const settings = this.#reconnect ?? RECONNECT_DEFAULTS;
		const base = Math.min(settings.maxDelay, settings.initialDelay * Math.pow(settings.factor, attempt - 1));
		return Math.round(base * (1 - settings.jitter * this.#random()));
	}

	/**
	 * Closes the current connection (with `code` and `reason` if it is still open) and fails
	 * what was in flight on it with `error`.
	 */
	#drop(error, code, reason) {
		this.#generation++;
		const link = this.#link;
		this.#link = null;
		link?.close(code, reason);
		this.#online = false;
		this.#clearTimer('handshake');
		this.#clearTimer('fallback');
		this.#clearTimer('refresh');
		this.session = null;
		this.http = null;
		const auth = this.#authWaiter;
		this.#authWaiter = null;
		auth?.reject(error);
		for (const entry of [...this.#pending.values()]) {
			if (entry.sent) {
				this.#settle(entry);
				entry.reject(error);
			}
		}
		for (const entry of this.#methodWaiters.splice(0)) {
			entry.reject(error);
		}
		for (const socket of this.#sockets.values()) {
			socket.status = 'new';
			socket.subscribing = [];
			for (const topic of socket.topics.values()) {
				topic.confirmed = false;
			}
		}
		this.#pathsSubscribing = [];
		this.#registering = [];
	}

	#failQueued(error) {
		for (const entry of this.#queue.splice(0)) {
			if (entry.methods) {
				entry.reject(error);
			}
			else {
				this.#settle(entry);
				entry.reject(error);
			}
		}
	}

	#startTimer(name, delay, run) {
		this.#clearTimer(name);
		this.#timerHandles.set(name, this.#timers.setTimeout(() => {
			this.#timerHandles.delete(name);
			run();
		}, delay));
	}

	#clearTimer(name) {
		if (this.#timerHandles.has(name)) {
			this.#timers.clearTimeout(this.#timerHandles.get(name));
			this.#timerHandles.delete(name);
		}
	}

	/** Moves to `state`; the event named after the state fires on every failed attempt too. */
	#setState(state, details = {}) {
		const previous = this.state;
		this.state = state;
		if (previous !== state) {
			this.emit('state', state, previous, details);
		}
		if (previous !== state || state === 'reconnecting') {
			this.emit(state, details);
		}
	}

	async #handshake(generation) {
		if (this.#token !== null && this.#token !== undefined) {
			try {
				await this.#authenticate(generation);
			}
			catch (error) {
				if (generation !== this.#generation) {
					return;
				}
				this.user = null;
				this.expiresAt = null;
				this.emit('authfailed', error);
			}
		}
		if (generation !== this.#generation) {
			return;
		}
		this.#clearTimer('handshake');
		this.#restore();
		this.#online = true;
		this.#attempt = 0;
		this.connectCount++;
		for (const entry of this.#queue.splice(0)) {
			this.#transmit(entry);
		}
		this.#setState('open', { session: this.session });
	}

	/** Re-creates on a new connection what the application had set up. */
	#restore() {
		for (const socket of this.#sockets.values()) {
			this.#raw({ op: 'open', sid: socket.sid, endpoint: socket.endpoint });
			socket.status = 'opening';
			for (const topic of socket.topics.values()) {
				socket.subscribing.push(topic);
				this.#raw({ op: 'subscribe', sid: socket.sid, topic: this.#codec.frame(topic.topic) });
			}
		}
		for (const entry of this.#paths.values()) {
			this.#pathsSubscribing.push(entry);
			this.#raw({ op: 'subscribe', path: entry.path });
		}
		for (const entry of this.#functions.values()) {
			this.#registering.push(entry);
			this.#raw({ op: 'register', name: entry.name });
		}
	}

	// --- operations ------------------------------------------------------------------------

	#socket(type, endpoint) {
		const key = `${type} ${endpoint}`;
		let socket = this.#sockets.get(key);
		if (!socket) {
			socket = { key, sid: this.#nextSid++, type, endpoint, status: 'new', topics: new Map(), subscribing: [] };
			this.#sockets.set(key, socket);
			this.#socketsBySid.set(socket.sid, socket);
		}
		return socket;
	}

	#ensureSocket(socket) {
		if (socket.status === 'new' && this.#online && this.#sockets.get(socket.key) === socket) {
			socket.status = 'opening';
			this.#raw({ op: 'open', sid: socket.sid, endpoint: socket.endpoint });
		}
	}

	/**
	 * Starts an operation answered by id: sends it now when online, else queues it.
	 * `prepare` sets the entry's `onMessage`, which returns `false` for a non-final answer.
	 */
	#operation(message, signal, prepare, beforeSend) {
		if (signal?.aborted) {
			return Promise.reject(abortedBy(signal));
		}
		return new Promise((resolve, reject) => {
			const entry = { id: message.id, message, sent: false, resolve, reject, beforeSend, cancellable: false };
			prepare(entry);
			if (signal) {
				const onAbort = () => {
					if (this.#pending.get(entry.id) === entry) {
						this.#cancelOperation(entry);
						entry.reject(abortedBy(signal));
					}
				};
				signal.addEventListener('abort', onAbort, { once: true });
				entry.cleanup = () => signal.removeEventListener('abort', onAbort);
			}
			this.#pending.set(entry.id, entry);
			this.#enqueue(entry);
		});
	}

	#enqueue(entry) {
		if (this.#closedByUser) {
			this.#settle(entry);
			entry.reject(new DisconnectedError('The connection is closed'));
			return;
		}
		if (this.#online) {
			this.#transmit(entry);
			return;
		}
		if (this.#queue.length >= this.#maxQueue) {
			this.#settle(entry);
			entry.reject(new QueueFullError(`The offline queue is full (${this.#maxQueue} operations wait for the connection)`));
			return;
		}
		this.#queue.push(entry);
	}

	#transmit(entry) {
		let data;
		try {
			data = this.#codec.encode(entry.message);
		}
		catch (error) {
			this.#settle(entry);
			entry.reject(error);
			return;
		}
		// one WebSocket message, or one POST, must not be larger than the gateway takes
		const limit = this.transport === 'sse' ? this.limits?.maxBatchSize : this.limits?.maxMessageSize;
		if (limit && (typeof data === 'string' ? data.length * 3 > limit && utf8Length(data) > limit : data.length > limit)) {
			this.#settle(entry);
			entry.reject(new ZmqwsError('message_too_large', `The message is larger than the gateway accepts (${limit} bytes)`,
				{ failedOp: entry.message.op, id: entry.id }));
			return;
		}
		entry.beforeSend?.();
		entry.sent = true;
		if (entry.methods) {
			this.#methodWaiters.push(entry);
		}
		this.#link.send(data, (error) => this.#failSent(entry, error));
	}

	/** Fails an operation the transport could not deliver. */
	#failSent(entry, error) {
		if (entry.methods) {
			const index = this.#methodWaiters.indexOf(entry);
			if (index >= 0) {
				this.#methodWaiters.splice(index, 1);
				entry.reject(error);
			}
		}
		else if (this.#pending.get(entry.id) === entry) {
			this.#settle(entry);
			entry.reject(error);
		}
	}

	/** Forgets an operation, removing it from the queue; sends `cancel` for a running call. */
	#cancelOperation(entry) {
		const queued = this.#queue.indexOf(entry);
		if (queued >= 0) {
			this.#queue.splice(queued, 1);
		}
		else if (entry.sent && entry.cancellable && this.#online) {
			this.#raw({ op: 'cancel', id: entry.id });
		}
		this.#settle(entry);
	}

	#settle(entry) {
		if (entry.id !== undefined && this.#pending.get(entry.id) === entry) {
			this.#pending.delete(entry.id);
		}
		entry.cleanup?.();
	}

	#send(message) {
		if (this.#online) {
			this.#raw(message);
		}
	}

	#raw(message) {
		this.#link.send(this.#codec.encode(message), (error) => this.emit('error', error));
	}

	// --- receiving -------------------------------------------------------------------------

	#receive(message, generation) {
		switch (message?.op) {
			case 'welcome':
				if (this.#chosen === null) {
					this.#chosen = this.transport;
					this.#clearTimer('fallback');
				}
				this.session = message.session ?? null;
				this.http = typeof message.http === 'string' ? message.http : null;
				this.limits = message.limits ?? null;
				// the user the handshake authenticated (session cookie, Basic, bearer token)
				this.user = typeof message.user === 'string' ? message.user : null;
				this.emit('welcome', message);
				this.#handshake(generation).catch(report);
				break;
			case 'reply':
			case 'pushed':
			case 'pong':
			case 'result':
			case 'item':
			case 'done':
				this.#answer(message);
				break;
			case 'message':
				this.#published(message);
				break;
			case 'event':
				this.#event(message);
				break;
			case 'invoke':
				this.#invoke(message, generation);
				break;
			case 'opened': {
				const socket = this.#socketsBySid.get(message.sid);
				if (socket && socket.status === 'opening') {
					socket.status = 'open';
				}
				break;
			}
			case 'subscribed':
				if (typeof message.path === 'string') {
					this.#confirm(this.#pathsSubscribing, (entry) => entry.path === message.path, this.#paths.get(message.path));
				}
				else {
					const socket = this.#socketsBySid.get(message.sid);
					if (socket) {
						const key = topicKey(receivedFrame(message.topic));
						this.#confirm(socket.subscribing, (entry) => entry.key === key, socket.topics.get(key));
					}
				}
				break;
			case 'registered':
				this.#confirm(this.#registering, (entry) => entry.name === message.name, this.#functions.get(message.name));
				break;
			case 'methods': {
				const entry = this.#methodWaiters.shift();
				entry?.resolve(Array.isArray(message.methods) ? message.methods : []);
				break;
			}
			case 'authenticated':
				this.#authenticated(message);
				break;
			case 'error':
				this.#error(message);
				break;
			default:
				// closed, unsubscribed, unregistered and future messages need nothing
				break;
		}
	}

	#confirm(waiting, matches, current) {
		const index = waiting.findIndex(matches);
		if (index >= 0) {
			waiting.splice(index, 1);
		}
		if (current) {
			current.confirmed = true;
			current.ready.resolve();
		}
	}

	#answer(message) {
		const entry = this.#pending.get(message.id);
		if (!entry || !entry.sent) {
			return;
		}
		const final = entry.onMessage(message) !== false;
		if (final) {
			this.#settle(entry);
		}
	}

	#published(message) {
		const socket = this.#socketsBySid.get(message.sid);
		if (message.dropped) {
			this.emit('dropped', message.dropped);
		}
		if (!socket || !Array.isArray(message.frames) || message.frames.length === 0) {
			return;
		}
		const frames = message.frames.map(receivedFrame);
		const first = frames[0];
		const firstBytes = typeof first === 'string' ? null : first;
		let firstUtf8 = null;
		for (const topic of [...socket.topics.values()]) {
			let matches;
			if (typeof first === 'string' && typeof topic.topic === 'string') {
				matches = first.startsWith(topic.topic);
			}
			else {
				firstUtf8 ??= firstBytes ?? frameBytes(first);
				matches = startsWithBytes(firstUtf8, topic.bytes);
			}
			if (matches) {
				const info = { endpoint: socket.endpoint, topic: topic.topic, dropped: message.dropped ?? 0 };
				for (const subscription of [...topic.subscriptions]) {
					if (subscription.active) {
						try {
							subscription.handler(frames, info);
						}
						catch (error) {
							report(error);
						}
					}
				}
			}
		}
	}

	#event(message) {
		for (const entry of [...this.#paths.values()]) {
			if (pathCovers(entry.path, message.path)) {
				for (const subscription of [...entry.subscriptions]) {
					if (subscription.active) {
						try {
							subscription.handler(message.data, message.path);
						}
						catch (error) {
							report(error);
						}
					}
				}
			}
		}
	}

	#invoke(message, generation) {
		const entry = this.#functions.get(message.function);
		const acknowledged = message.cid !== undefined && message.cid !== null;
		const answer = (body) => {
			if (acknowledged && generation === this.#generation && this.#link) {
				let data;
				try {
					data = this.#codec.encode({ op: 'return', cid: message.cid, ...body });
				}
				catch (error) {
					data = this.#codec.encode({ op: 'return', cid: message.cid,
						error: `The result cannot be sent as ${this.#codec.label}: ${messageOf(error)}` });
				}
				this.#link.send(data, (error) => this.emit('error', error));
			}
		};
		if (!entry) {
			answer({ error: `No function '${message.function}' is registered` });
			return;
		}
		const args = Array.isArray(message.args) ? message.args : [];
		new Promise((resolve) => resolve(entry.fn(...args))).then(
			(value) => answer({ value: value === undefined ? null : value }),
			(error) => {
				if (!acknowledged) {
					report(error);
				}
				answer({ error: messageOf(error) });
			});
	}

	#error(message) {
		const error = errorFromMessage(message);
		const op = message.failedOp;
		if (message.id !== undefined && message.id !== null && (op === 'request' || op === 'push' || op === 'call' || op === 'ping')) {
			const entry = this.#pending.get(message.id);
			if (entry && entry.sent) {
				this.#settle(entry);
				entry.reject(error);
			}
			return;
		}
		if (op === 'cancel' || op === 'unsubscribe' || op === 'unregister' || op === 'return' || op === 'close') {
			return;
		}
		if (op === 'open' && message.sid !== undefined) {
			this.#socketFailed(message.sid, error);
			return;
		}
		if (op === 'subscribe' && message.sid !== undefined) {
			const socket = this.#socketsBySid.get(message.sid);
			const topic = socket?.subscribing.shift();
			if (topic && socket.topics.get(topic.key) === topic) {
				socket.topics.delete(topic.key);
				this.#failSubscriptions(topic, error);
			}
			return;
		}
		if (op === 'subscribe') {
			const entry = this.#pathsSubscribing.shift();
			if (entry && this.#paths.get(entry.path) === entry) {
				this.#paths.delete(entry.path);
				this.#failSubscriptions(entry, error);
			}
			return;
		}
		if (op === 'register') {
			const entry = this.#registering.shift();
			if (entry && this.#functions.get(entry.name) === entry) {
				this.#functions.delete(entry.name);
				for (const registration of entry.registrations) {
					registration.active = false;
				}
				entry.ready.reject(error);
				this.emit('error', error);
			}
			return;
		}
		if (op === 'methods') {
			this.#methodWaiters.shift()?.reject(error);
			return;
		}
		const waiter = this.#authWaiter;
		if (waiter && (op === 'auth' || message.code === 'unauthenticated' || (op === undefined && message.code === 'unknown_op'))) {
			this.#authWaiter = null;
			waiter.reject(error);
			return;
		}
		this.emit('error', error);
	}

	#socketFailed(sid, error) {
		const socket = this.#socketsBySid.get(sid);
		if (!socket) {
			return;
		}
		this.#socketsBySid.delete(sid);
		if (this.#sockets.get(socket.key) === socket) {
			this.#sockets.delete(socket.key);
		}
		for (const entry of [...this.#pending.values()]) {
			if (entry.sid === sid) {
				this.#cancelOperation(entry);
				entry.reject(error);
			}
		}
		for (const topic of socket.topics.values()) {
			this.#failSubscriptions(topic, error);
		}
		socket.topics.clear();
	}

	#failSubscriptions(entry, error) {
		for (const subscription of entry.subscriptions) {
			subscription.active = false;
		}
		entry.ready.reject(error);
		this.emit('error', error);
	}
}

function checkName(value, what) {
	if (typeof value !== 'string' || value === '') {
		throw new TypeError(`The ${what} must be a non-empty string`);
	}
}

function callMessage(id, method, args, kwargs, options) {
	checkName(method, 'method');
	if (args !== undefined && args !== null && !Array.isArray(args)) {
		throw new TypeError('RPC arguments must be an array');
	}
	if (kwargs !== undefined && kwargs !== null && (typeof kwargs !== 'object' || Array.isArray(kwargs))) {
		throw new TypeError('RPC keyword arguments must be an object');
	}
	const message = { op: 'call', id, method };
	if (args && args.length > 0) {
		message.args = args;
	}
	if (kwargs && Object.keys(kwargs).length > 0) {
		message.kwargs = kwargs;
	}
	if (options?.timeout !== undefined) {
		message.timeout = Math.max(1, Math.round(options.timeout));
	}
	return message;
}

function parseExpiry(value) {
	if (typeof value === 'number' && Number.isFinite(value)) {
		return value < 1e11 ? value * 1000 : value;
	}
	if (typeof value === 'string') {
		const parsed = Date.parse(value);
		return Number.isNaN(parsed) ? null : parsed;
	}
	return null;
}

/**
 * Connects to a zmqws gateway.
 * @param {string} [url] e.g. `wss://example.com/zmqws`; a path or `http(s):` URL is turned
 * into a WebSocket URL; defaults to the page's origin and `/zmqws`
 * @param {ConnectOptions} [options]
 * @returns {Connection}
 */
export function connect(url, options) {
	if (url !== null && typeof url === 'object' && options === undefined) {
		return new Connection(undefined, url);
	}
	return new Connection(url, options);
}

/**
 * @typedef {string | Uint8Array | ArrayBuffer | ArrayBufferView} Frame
 * @typedef {object} ConnectOptions
 * @property {'auto' | 'websocket' | 'sse'} [transport] `auto` (default): the WebSocket, or Server-Sent
 *     Events and POST when the WebSocket fails before its welcome
 * @property {'json' | 'msgpack'} [encoding] the message encoding (default `json`)
 * @property {number} [fallbackAfter] auto: ms to wait for the WebSocket's welcome before falling back (default 4000)
 * @property {number} [resumeTimeout] sse: ms a broken event stream or failing POSTs may take to recover
 *     before a new session is made (default 15000)
 * @property {string | (() => string | Promise<string>)} [token] sent with `auth` after each welcome
 * @property {false | {initialDelay?: number, maxDelay?: number, factor?: number, jitter?: number, maxAttempts?: number}} [reconnect]
 * @property {number} [maxQueue] operations kept while offline (default 100)
 * @property {number} [handshakeTimeout] ms from connecting until ready (default 10000)
 * @property {number} [authRefreshMargin] ms before `expiresAt` to authenticate again (default 30000)
 * @property {typeof WebSocket} [WebSocket] the WebSocket class to use
 * @property {typeof EventSource} [EventSource] the EventSource class to use
 * @property {typeof fetch} [fetch] the fetch function to use
 * @property {{setTimeout: Function, clearTimeout: Function}} [timers] for tests
 * @property {() => number} [random] for tests
 * @property {() => number} [now] for tests
 */

// ---------------------------------------------------------------------------------------
// Compatibility: ZmqWebBridge-style API
// ---------------------------------------------------------------------------------------

function singleOrAll(frames) {
	return frames.length === 1 ? frames[0] : frames;
}

function connectionOf(target) {
	if (target instanceof Connection) {
		return target;
	}
	if (target instanceof Context) {
		return target.connection;
	}
	if (target instanceof CompatSocket) {
		return target.context.connection;
	}
	throw new TypeError('Expected a Connection, a zmq.Context or one of its sockets');
}

/**
 * ZmqWebBridge-style context: `new zmq.Context(url)` owns one {@link Connection}.
 */
class Context {
	/**
	 * @param {string | Connection} [url] a gateway URL or an existing connection
	 * @param {ConnectOptions} [options]
	 */
	constructor(url, options) {
		this.connection = url instanceof Connection ? url : connect(url, options);
	}

	/**
	 * A socket of `type` (`zmq.REQ`, `zmq.SUB` or `zmq.PUSH`); `connect(endpointName)` names
	 * the gateway endpoint it talks to.
	 */
	Socket(type) {
		return new CompatSocket(this, type);
	}

	/** Closes the connection. */
	close() {
		this.connection.close();
	}
}

/** A ZmqWebBridge-style socket mapped onto a named endpoint. */
class CompatSocket {
	/** Called with each message of a SUB socket: one frame, or the array of frames. */
	onmessage = null;
	/** Called with errors of SUB sockets and of sends without callback. */
	onerror = null;

	#subscriptions = [];

	constructor(context, type) {
		if (type !== zmq.REQ && type !== zmq.SUB && type !== zmq.PUSH) {
			throw new TypeError(`Unsupported socket type ${type}: use zmq.REQ, zmq.SUB or zmq.PUSH`);
		}
		this.context = context;
		this.type = type;
		this.endpoint = null;
	}

	/**
	 * Names the gateway endpoint (REQ, SUB or PUSH) or, for an RPCClient, the RPC service.
	 * A SUB socket subscribes to `topic` (default `''`: everything).
	 */
	connect(endpoint, topic = '') {
		checkName(endpoint, 'endpoint');
		this.endpoint = endpoint;
		if (this.type === zmq.SUB) {
			this.subscribe(topic);
		}
		return this;
	}

	/** SUB only: adds a topic prefix. */
	subscribe(topic) {
		if (this.type !== zmq.SUB || this.endpoint === null) {
			throw new TypeError('subscribe() needs a SUB socket connected to an endpoint');
		}
		const subscription = this.context.connection.subscribe(this.endpoint, topic, (frames) => {
			this.onmessage?.(singleOrAll(frames));
		});
		subscription.ready.catch((error) => this.#failed(error));
		this.#subscriptions.push(subscription);
		return this;
	}

	/** SUB only: removes a topic prefix. */
	unsubscribe(topic) {
		const key = topicKey(topic);
		this.#subscriptions = this.#subscriptions.filter((subscription) => {
			const match = topicKey(subscription.topic) === key;
			if (match) {
				subscription.unsubscribe();
			}
			return !match;
		});
		return this;
	}

	/**
	 * REQ: sends a request; `callback(reply, error)` gets the reply (one frame, or the
	 * array of frames) or `(null, error)`. PUSH: pushes; `callback(null, error)` on failure,
	 * `callback(undefined, null)` once sent. Returns a promise of the same outcome.
	 */
	send(message, callback) {
		if (this.endpoint === null) {
			return Promise.reject(new TypeError('connect() the socket to an endpoint first'));
		}
		const connection = this.context.connection;
		let outcome;
		if (this.type === zmq.REQ) {
			outcome = connection.request(this.endpoint, message).then(singleOrAll);
		}
		else if (this.type === zmq.PUSH) {
			outcome = connection.push(this.endpoint, message);
		}
		else {
			return Promise.reject(new TypeError('A SUB socket cannot send'));
		}
		outcome.then((reply) => callback?.(reply, null), (error) => {
			if (callback) {
				callback(null, error);
			}
			else {
				this.#failed(error);
			}
		});
		return outcome;
	}

	/** Ends the socket's subscriptions. */
	close() {
		for (const subscription of this.#subscriptions) {
			subscription.unsubscribe();
		}
		this.#subscriptions = [];
	}

	#failed(error) {
		if (this.onerror) {
			this.onerror(error);
		}
	}
}

/**
 * ZmqWebBridge-style RPC client: `new zmq.RPCClient(socket).rpc(name, args, kwargs,
 * callback)` calls `@ZmqRpc` method `<endpoint>.<name>` where `<endpoint>` is the name the
 * socket was connected to (the RPC service), or `name` as given when it holds a dot and
 * the socket is not connected.
 */
class RPCClient {
	constructor(socket) {
		this.socket = socket;
		this.connection = connectionOf(socket);
	}

	/** Calls the method; `callback(result, error)`. Returns a promise of the result. */
	rpc(name, args = [], kwargs = {}, callback) {
		const service = this.socket instanceof CompatSocket ? this.socket.endpoint : null;
		const method = service ? `${service}.${name}` : name;
		const outcome = this.connection.rpc(method, args, kwargs);
		outcome.then((result) => callback?.(result, null), (error) => callback?.(null, error));
		return outcome;
	}
}

/**
 * ZmqWebBridge-style server of calls the server publishes: every function set as a
 * property of the object (or defined by a subclass) is registered under its name, so the
 * server's `ZmqwsTemplate.invoke(...)`, `invokeUser(...)`, `invokeSubscribers(...)` and
 * `ask(...)` reach it. Deleting the property (or setting it to a non-function)
 * unregisters it.
 */
class PubRPCServer {
	/** @param {Connection | Context | CompatSocket} target */
	constructor(target) {
		const connection = connectionOf(target);
		const registrations = new Map();
		const registerFunction = (proxy, name, fn) => {
			registrations.get(name)?.unregister();
			registrations.delete(name);
			if (typeof fn === 'function') {
				registrations.set(name, connection.register(name, (...args) => fn.apply(proxy, args)));
			}
		};
		const proxy = new Proxy(this, {
			set(object, name, value) {
				object[name] = value;
				if (typeof name === 'string' && !name.startsWith('_') && !(name in PubRPCServer.prototype)) {
					registerFunction(proxy, name, value);
				}
				return true;
			},
			deleteProperty(object, name) {
				delete object[name];
				if (typeof name === 'string') {
					registerFunction(proxy, name, undefined);
				}
				return true;
			},
		});
		Object.defineProperty(this, '_registrations', { value: registrations });
		Object.defineProperty(this, '_connection', { value: connection });
		for (let prototype = Object.getPrototypeOf(this); prototype && prototype !== PubRPCServer.prototype;
			prototype = Object.getPrototypeOf(prototype)) {
			for (const name of Object.getOwnPropertyNames(prototype)) {
				const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
				if (name !== 'constructor' && !name.startsWith('_') && typeof descriptor.value === 'function'
						&& !registrations.has(name)) {
					registerFunction(proxy, name, descriptor.value);
				}
			}
		}
		return proxy;
	}

	/** The names currently registered. */
	registeredNames() {
		return [...this._registrations.keys()];
	}

	/** Unregisters every function. */
	close() {
		for (const registration of this._registrations.values()) {
			registration.unregister();
		}
		this._registrations.clear();
	}
}

/**
 * The ZmqWebBridge-style namespace: `zmq.Context`, socket types `zmq.REQ`, `zmq.SUB`,
 * `zmq.PUSH` (ZeroMQ's own numbers), `zmq.RPCClient` and `zmq.PubRPCServer`.
 */
export const zmq = Object.freeze({ REQ: 3, SUB: 2, PUSH: 8, Context, RPCClient, PubRPCServer });

// ---------------------------------------------------------------------------------------
// Compatibility: Zephserver-style API
// ---------------------------------------------------------------------------------------

/**
 * Zephserver-style client. A task name is an RPC method (`service.method`) and a path:
 * `send(task, data)` calls the method with `data` as its only argument and hands the
 * result (unless null) to the task's subscribers; `subscribe(task, cb)` also receives
 * every event the server publishes to path `/<task>`.
 */
export class Zephserver {
	#callbacks = new Map();

	/**
	 * @param {string | Connection} [url] a gateway URL or an existing connection
	 * @param {ConnectOptions} [options]
	 */
	constructor(url, options) {
		this.connection = url instanceof Connection ? url : connect(url, options);
	}

	/** Calls task `task` with `data`; resolves with the result, also given to subscribers. */
	send(task, data) {
		const outcome = this.connection.rpc(task, data === undefined ? [] : [data]);
		return outcome.then((result) => {
			if (result !== null && result !== undefined) {
				this.#deliver(task, result);
			}
			return result;
		});
	}

	/** Calls `callback(data)` with the task's results and the events published to `/<task>`. */
	subscribe(task, callback) {
		checkName(task, 'task');
		let entry = this.#callbacks.get(task);
		if (!entry) {
			entry = { callbacks: new Set(), subscription: null };
			entry.subscription = this.connection.subscribe('/' + task, (data) => this.#deliver(task, data));
			this.#callbacks.set(task, entry);
		}
		entry.callbacks.add(callback);
		return this;
	}

	/** Removes `callback` (or, without it, every callback) from the task. */
	unsubscribe(task, callback) {
		const entry = this.#callbacks.get(task);
		if (!entry) {
			return this;
		}
		if (callback === undefined) {
			entry.callbacks.clear();
		}
		else {
			entry.callbacks.delete(callback);
		}
		if (entry.callbacks.size === 0) {
			entry.subscription.unsubscribe();
			this.#callbacks.delete(task);
		}
		return this;
	}

	/** Closes the connection. */
	close() {
		this.connection.close();
	}

	#deliver(task, data) {
		const entry = this.#callbacks.get(task);
		if (entry) {
			for (const callback of [...entry.callbacks]) {
				try {
					callback(data);
				}
				catch (error) {
					report(error);
				}
			}
		}
	}
}
