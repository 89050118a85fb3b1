import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { client, harness, settle } from './support.mjs';

describe('authentication', () => {
	test('a token is sent right after the welcome, before anything is restored or flushed', async () => {
		const { connection, ws, accept } = harness({ token: 'secret-1' });
		connection.subscribe('/news', () => {});
		const reply = connection.request('echo', 'x');
		accept();
		await settle();
		assert.deepEqual(ws().sent, [{ op: 'auth', token: 'secret-1' }]);
		assert.equal(connection.state, 'connecting');
		ws().deliver({ op: 'authenticated', user: 'alice' });
		await settle();
		assert.deepEqual(ws().ops(), ['auth', 'open', 'subscribe', 'request']);
		assert.equal(connection.state, 'open');
		assert.equal(connection.user, 'alice');
		ws().deliver({ op: 'reply', sid: 1, id: 1, frames: ['ok'] });
		assert.deepEqual(await reply, ['ok']);
	});

	test('an async token source is asked on every connection', async () => {
		let issued = 0;
		const { connection, ws, timers, accept } = harness({ token: async () => `token-${++issued}` });
		accept();
		await settle();
		assert.deepEqual(ws().last('auth'), { op: 'auth', token: 'token-1' });
		ws().deliver({ op: 'authenticated', user: 'alice' });
		await settle();
		ws().drop();
		timers.advance(1000);
		accept();
		await settle();
		assert.deepEqual(ws().sent, [{ op: 'auth', token: 'token-2' }]);
		ws().deliver({ op: 'authenticated', user: 'alice' });
		await settle();
		assert.equal(connection.state, 'open');
	});

	test('the token is refreshed shortly before expiresAt', async () => {
		let issued = 0;
		const { connection, ws, timers, accept } = harness({ token: () => `token-${++issued}`, authRefreshMargin: 5000 });
		const authenticated = [];
		connection.on('authenticated', (details) => authenticated.push(details));
		accept();
		await settle();
		ws().deliver({ op: 'authenticated', user: 'alice', expiresAt: timers.now + 60_000 });
		await settle();
		assert.equal(connection.expiresAt, timers.now + 60_000);
		ws().clear();
		timers.advance(54_999);
		await settle();
		assert.deepEqual(ws().sent, []);
		timers.advance(1);
		await settle();
		assert.deepEqual(ws().sent, [{ op: 'auth', token: 'token-2' }]);
		ws().deliver({ op: 'authenticated', user: 'alice', expiresAt: new Date(timers.now + 60_000).toISOString() });
		assert.deepEqual(authenticated.map((details) => details.user), ['alice', 'alice']);
		assert.equal(connection.expiresAt, timers.now + 60_000);
	});

	test('refreshToken() sends the new token and resolves with the user', async () => {
		const { connection, ws, accept } = harness({ token: 'old' });
		accept();
		await settle();
		ws().deliver({ op: 'authenticated', user: 'bob' });
		await settle();
		const refreshed = connection.refreshToken('new');
		await settle();
		assert.deepEqual(ws().last('auth'), { op: 'auth', token: 'new' });
		ws().deliver({ op: 'authenticated', user: 'alice', expiresAt: 2_000_000_000 });
		assert.deepEqual(await refreshed, { user: 'alice', expiresAt: 2_000_000_000_000 });
		assert.equal(connection.user, 'alice');
	});

	test('a refused token rejects refreshToken() with UnauthenticatedError', async () => {
		const { connection, ws, accept } = harness({ token: 'good' });
		accept();
		await settle();
		ws().deliver({ op: 'authenticated', user: 'alice' });
		await settle();
		const refreshed = connection.refreshToken('expired');
		await settle();
		ws().deliver({ op: 'error', code: 'unauthenticated', message: 'Token expired', failedOp: 'auth' });
		await assert.rejects(refreshed, (error) => error instanceof client.UnauthenticatedError);
	});

	test('a token refused at connect is reported with authfailed and the session goes on without a user', async () => {
		const { connection, ws, accept } = harness({ token: 'bad' });
		const failures = [];
		connection.on('authfailed', (error) => failures.push(error.code));
		accept();
		await settle();
		ws().deliver({ op: 'error', code: 'unauthenticated', message: 'Invalid token', failedOp: 'auth' });
		await settle();
		assert.deepEqual(failures, ['unauthenticated']);
		assert.equal(connection.state, 'open');
		assert.equal(connection.user, null);
	});

	test('a gateway that does not know auth answers unknown_op, which counts as a refusal', async () => {
		const { connection, ws, accept } = harness({ token: 't' });
		const failures = [];
		connection.on('authfailed', (error) => failures.push(error.code));
		accept();
		await settle();
		ws().deliver({ op: 'error', code: 'unknown_op', message: "Unknown op 'auth'" });
		await settle();
		assert.deepEqual(failures, ['unknown_op']);
		assert.equal(connection.state, 'open');
	});

	test('refreshToken() while offline rejects with DisconnectedError', async () => {
		const { connection } = harness({ token: 't' });
		await assert.rejects(connection.refreshToken(), { code: 'disconnected' });
	});
});
