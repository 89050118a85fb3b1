/*!
 * Type definitions for the zmqws browser client, version 0.1.0.
 * Served next to it at {zmqws.websocket.path}/client.d.ts.
 */

export declare const VERSION: string;
/** The subprotocol of the default encoding. */
export declare const PROTOCOL: 'zmqws.v1.json';
/** The subprotocol of each encoding. */
export declare const PROTOCOLS: { readonly json: 'zmqws.v1.json'; readonly msgpack: 'zmqws.v1.msgpack' };

/** `websocket`, or `sse` for Server-Sent Events (server to client) and POST (client to server). */
export type Transport = 'websocket' | 'sse';

/** How messages are written: JSON text, or MessagePack. */
export type Encoding = 'json' | 'msgpack';

/** A ZeroMQ frame as the application gives it. */
export type Frame = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** A frame as the client hands it back: text, or bytes when it is not valid UTF-8. */
export type ReceivedFrame = string | Uint8Array;

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ReconnectOptions {
	/** Delay before the first attempt, in ms (500). */
	initialDelay?: number;
	/** Largest delay, in ms (15000). */
	maxDelay?: number;
	/** Growth of the delay per failed attempt (2). */
	factor?: number;
	/** Up to this part of each delay is taken off at random (0.5). */
	jitter?: number;
	/** Failed attempts in a row before giving up (Infinity). */
	maxAttempts?: number;
}

export interface ConnectOptions {
	/**
	 * `auto` (default): the WebSocket; if it fails before its welcome (error, close, or no
	 * welcome within `fallbackAfter`), Server-Sent Events and POST for this and every later
	 * connection of this client. `websocket` or `sse`: only that transport.
	 */
	transport?: 'auto' | Transport;
	/** `json` (default, subprotocol `zmqws.v1.json`) or `msgpack` (`zmqws.v1.msgpack`). */
	encoding?: Encoding;
	/** With `auto`: milliseconds to wait for the WebSocket's welcome before falling back (4000). */
	fallbackAfter?: number;
	/**
	 * With `sse`: milliseconds a broken event stream may take to resume, and POSTs may keep
	 * failing, before the client gives the session up and makes a new one (15000).
	 */
	resumeTimeout?: number;
	/** Sent with `auth` after every welcome: a token, or a function returning one. */
	token?: string | (() => string | Promise<string>);
	/** Reconnect settings, or `false` for none. */
	reconnect?: false | ReconnectOptions;
	/** Operations kept while offline (100); more are refused with `QueueFullError`. */
	maxQueue?: number;
	/** Time from connecting until ready before trying again, in ms (10000). */
	handshakeTimeout?: number;
	/** Authenticate again this long before `expiresAt`, in ms (30000). */
	authRefreshMargin?: number;
	/** The WebSocket class to use (the global one by default). */
	WebSocket?: new (url: string, protocols?: string | string[]) => WebSocket;
	/** The EventSource class to use (the global one by default). */
	EventSource?: new (url: string, init?: { withCredentials?: boolean }) => EventSource;
	/** The fetch function to use (the global one by default). */
	fetch?: (input: string, init?: RequestInit) => Promise<{ status: number }>;
	/** Timers, for tests. */
	timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
	/** Random numbers in [0, 1), for tests. */
	random?: () => number;
	/** The clock in ms since the epoch, for tests. */
	now?: () => number;
}

export interface OperationOptions {
	/** Milliseconds to wait; can only shorten the server's own timeout. */
	timeout?: number;
	/** Aborting it rejects with `AbortedError` (and cancels an RPC call). */
	signal?: AbortSignal;
}

export interface MessageInfo {
	endpoint: string;
	topic: Frame;
	/** Messages this connection lost to its outbound limit before this one. */
	dropped: number;
}

export interface MethodInfo {
	name: string;
	params: string[];
	streaming: boolean;
}

export interface Authentication {
	user: string | null;
	expiresAt: number | null;
}

export interface Limits {
	maxMessageSize: number;
	maxSockets: number;
	maxSubscriptions: number;
	maxPendingRequests: number;
	/** The largest POST body the HTTP transport accepts, when the gateway announces it. */
	maxBatchSize?: number;
}

export interface WelcomeMessage {
	op: 'welcome';
	protocol: string;
	session: string;
	user?: string;
	transport?: Transport;
	http?: string;
	limits: Limits;
}

export interface FallbackDetails {
	transport: 'sse';
	/** Why the WebSocket failed: its close code (4000 when the welcome did not come in time). */
	code: number;
	reason: string;
}

export interface StateDetails {
	attempt?: number;
	delay?: number;
	code?: number;
	reason?: string;
	session?: string | null;
}

export declare class ZmqwsError extends Error {
	constructor(code: string, message: string, details?: { failedOp?: string; sid?: number; id?: number; cause?: unknown });
	/** The protocol's error code, e.g. `timeout`, `forbidden`, or an RPC method's own. */
	readonly code: string;
	readonly failedOp?: string;
	readonly sid?: number;
	readonly id?: number;
}
export declare class TimeoutError extends ZmqwsError {}
export declare class ForbiddenError extends ZmqwsError {}
export declare class UnauthenticatedError extends ZmqwsError {}
export declare class DisconnectedError extends ZmqwsError {}
export declare class QueueFullError extends ZmqwsError {}
export declare class AbortedError extends ZmqwsError {}

export declare function errorFromMessage(message: { code?: string; message?: string; failedOp?: string; sid?: number; id?: number }): ZmqwsError;
export declare function toBase64(bytes: Uint8Array): string;
export declare function fromBase64(text: string): Uint8Array;
export declare function encodeFrame(frame: Frame): string | { base64: string };
export declare function decodeFrame(frame: string | { base64: string }): ReceivedFrame;
export declare function encodeMessage(message: Frame | Frame[]): Array<string | { base64: string }>;
export declare function frameBytes(frame: Frame): Uint8Array;
export declare function frameText(frame: Frame): string;

/**
 * Encodes a value as MessagePack: integers in the smallest int type (also BigInt, 64-bit
 * at most), other numbers as float64, strings as str, bytes as bin, arrays, and objects
 * as maps of what JSON would write.
 */
export declare function encodeMsgpack(value: unknown): Uint8Array;
/**
 * Decodes one MessagePack value: bin as Uint8Array, 64-bit integers beyond ±(2^53 − 1)
 * as BigInt, maps as plain objects.
 */
export declare function decodeMsgpack(data: Uint8Array | ArrayBuffer | ArrayBufferView): unknown;
/** Decodes MessagePack values written back to back. */
export declare function decodeMsgpackStream(data: Uint8Array | ArrayBuffer | ArrayBufferView): unknown[];

export declare class Subscription {
	readonly target: string;
	readonly topic: Frame | undefined;
	/** Resolves once the gateway confirmed it; rejects with its error. */
	readonly ready: Promise<void>;
	readonly active: boolean;
	unsubscribe(): void;
}

export declare class Registration {
	readonly name: string;
	readonly ready: Promise<void>;
	readonly active: boolean;
	unregister(): void;
}

export declare class CallStream<T = unknown> implements AsyncIterableIterator<T> {
	next(): Promise<IteratorResult<T>>;
	return(value?: unknown): Promise<IteratorResult<T>>;
	throw(error?: unknown): Promise<IteratorResult<T>>;
	/** Cancels the call on the server. */
	cancel(): void;
	[Symbol.asyncIterator](): CallStream<T>;
}

export interface ConnectionEvents {
	state: (state: ConnectionState, previous: ConnectionState, details: StateDetails) => void;
	connecting: (details: StateDetails) => void;
	open: (details: StateDetails) => void;
	reconnecting: (details: StateDetails) => void;
	closed: (details: StateDetails) => void;
	welcome: (message: WelcomeMessage) => void;
	authenticated: (details: Authentication) => void;
	authfailed: (error: ZmqwsError) => void;
	error: (error: ZmqwsError) => void;
	dropped: (count: number) => void;
	/** The WebSocket failed before its welcome; the HTTP transport takes over for good. */
	fallback: (details: FallbackDetails) => void;
}

export declare class Connection {
	constructor(url?: string, options?: ConnectOptions);
	readonly url: string;
	readonly state: ConnectionState;
	readonly session: string | null;
	readonly limits: Limits | null;
	readonly user: string | null;
	readonly expiresAt: number | null;
	readonly connectCount: number;
	/** The transport of the current connection or attempt. */
	readonly transport: Transport;
	/** The HTTP version of the current connection as the welcome tells it (`1.1` or `2`), or null. */
	readonly http: string | null;
	readonly encoding: Encoding;
	readonly online: boolean;
	readonly queued: number;

	on<K extends keyof ConnectionEvents>(type: K, handler: ConnectionEvents[K]): () => void;
	once<K extends keyof ConnectionEvents>(type: K, handler: ConnectionEvents[K]): () => void;
	off<K extends keyof ConnectionEvents>(type: K, handler: ConnectionEvents[K]): void;

	opened(): Promise<void>;
	request(endpoint: string, message: Frame | Frame[], options?: OperationOptions): Promise<ReceivedFrame[]>;
	push(endpoint: string, message: Frame | Frame[], options?: { signal?: AbortSignal }): Promise<void>;
	subscribe<T = unknown>(path: `/${string}`, handler: (data: T, path: string) => void): Subscription;
	subscribe(endpoint: string, handler: (frames: ReceivedFrame[], info: MessageInfo) => void): Subscription;
	subscribe(endpoint: string, topic: Frame, handler: (frames: ReceivedFrame[], info: MessageInfo) => void): Subscription;
	rpc<T = unknown>(method: string, args?: unknown[], kwargs?: Record<string, unknown>, options?: OperationOptions): Promise<T>;
	stream<T = unknown>(method: string, args?: unknown[], kwargs?: Record<string, unknown>, options?: OperationOptions): CallStream<T>;
	methods(): Promise<MethodInfo[]>;
	ping(): Promise<number>;
	register(name: string, fn: (...args: any[]) => unknown): Registration;
	refreshToken(token?: string | (() => string | Promise<string>)): Promise<Authentication>;
	backoffDelay(attempt: number): number;
	close(): void;
}

export declare function connect(url?: string, options?: ConnectOptions): Connection;
export declare function connect(options: ConnectOptions): Connection;

declare class ZmqContext {
	constructor(url?: string | Connection, options?: ConnectOptions);
	readonly connection: Connection;
	Socket(type: number): ZmqSocket;
	close(): void;
}

declare class ZmqSocket {
	readonly type: number;
	readonly endpoint: string | null;
	onmessage: ((message: ReceivedFrame | ReceivedFrame[]) => void) | null;
	onerror: ((error: ZmqwsError) => void) | null;
	connect(endpoint: string, topic?: Frame): this;
	subscribe(topic: Frame): this;
	unsubscribe(topic: Frame): this;
	send(message: Frame | Frame[], callback?: (reply: ReceivedFrame | ReceivedFrame[] | null | undefined, error: ZmqwsError | null) => void): Promise<unknown>;
	close(): void;
}

declare class ZmqRPCClient {
	constructor(socket: ZmqSocket | ZmqContext | Connection);
	rpc<T = unknown>(name: string, args?: unknown[], kwargs?: Record<string, unknown>, callback?: (result: T | null, error: ZmqwsError | null) => void): Promise<T>;
}

declare class ZmqPubRPCServer {
	constructor(target: ZmqSocket | ZmqContext | Connection);
	registeredNames(): string[];
	close(): void;
	[name: string]: unknown;
}

/** ZmqWebBridge-style API. */
export declare const zmq: {
	readonly REQ: 3;
	readonly SUB: 2;
	readonly PUSH: 8;
	readonly Context: typeof ZmqContext;
	readonly RPCClient: typeof ZmqRPCClient;
	readonly PubRPCServer: typeof ZmqPubRPCServer;
};

/** Zephserver-style API. */
export declare class Zephserver {
	constructor(url?: string | Connection, options?: ConnectOptions);
	readonly connection: Connection;
	send<T = unknown>(task: string, data?: unknown): Promise<T>;
	subscribe(task: string, callback: (data: any) => void): this;
	unsubscribe(task: string, callback?: (data: any) => void): this;
	close(): void;
}
