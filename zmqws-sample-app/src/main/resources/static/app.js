// The sample page: every card uses the zmqws client served by the gateway.
import { connect, VERSION } from '/zmqws/client.js';

const $ = (id) => document.getElementById(id);
const MAX_LOG_ENTRIES = 8;

// Same origin, /zmqws; reconnects on its own and restores everything below. The page's
// query may force a transport (?transport=sse) or an encoding (?encoding=msgpack).
const query = new URLSearchParams(location.search);
const connection = connect({
	reconnect: { initialDelay: 250, maxDelay: 4000 },
	transport: query.get('transport') ?? 'auto',
	encoding: query.get('encoding') ?? 'json',
});

// For the browser console: try zmqwsSample.connection.rpc('calc.add', [1, 2]).
window.zmqwsSample = { connection };

$('client-version').textContent = VERSION;

// --- connection state and who is signed in ----------------------------------------------

let reconnects = 0;

function showState(state, details = {}) {
	const pill = $('state');
	pill.dataset.state = state;
	pill.textContent = state === 'reconnecting' && details.delay !== undefined
		? `reconnecting (attempt ${details.attempt})`
		: state;
}

function showUser() {
	const user = connection.user;
	$('user').dataset.user = user ?? '';
	$('user').textContent = user ?? 'anonymous';
}

connection.on('state', (state, previous, details) => showState(state, details));
connection.on('reconnecting', (details) => showState('reconnecting', details));
function showTransport() {
	const transport = $('transport');
	transport.dataset.transport = connection.transport ?? '';
	transport.dataset.http = connection.http ?? '';
	transport.dataset.encoding = connection.encoding ?? '';
	const kind = connection.transport === 'sse' ? 'HTTP fallback (SSE + POST)' : 'WebSocket';
	transport.textContent = `${kind} over HTTP/${connection.http}, ${connection.encoding}`;
	const other = connection.transport === 'sse' ? 'websocket' : 'sse';
	$('transport-switch').href = `?transport=${other}&encoding=${connection.encoding}`;
	$('transport-switch').textContent = other === 'sse' ? 'try the HTTP fallback' : 'back to WebSocket';
}

connection.on('open', () => {
	showTransport();
	$('session').textContent = connection.session;
	if (connection.connectCount > 1) {
		reconnects = connection.connectCount - 1;
		$('reconnects').textContent = String(reconnects);
	}
	showUser();
});
connection.on('authenticated', showUser);
connection.on('error', (error) => showError($('last-error'), error));
showState(connection.state);

// --- showing results and errors ------------------------------------------------------------

function showResult(element, text) {
	element.dataset.outcome = 'ok';
	element.replaceChildren(document.createTextNode(text));
}

/** Shows a failure with its error code first, so a denial reads e.g. "forbidden". */
function showError(element, error) {
	const code = document.createElement('code');
	code.className = 'error-code';
	code.textContent = error.code ?? error.name ?? 'error';
	element.dataset.outcome = 'error';
	element.dataset.code = code.textContent;
	element.replaceChildren(code, document.createTextNode(' ' + error.message));
}

function frameText(frame) {
	return typeof frame === 'string' ? frame : `<${frame.length} bytes>`;
}

function addLogEntry(list, text) {
	const item = document.createElement('li');
	item.textContent = text;
	list.prepend(item);
	while (list.children.length > MAX_LOG_ENTRIES) {
		list.lastElementChild.remove();
	}
}

// --- request / reply ---------------------------------------------------------------------

$('echo-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const result = $('echo-result');
	result.dataset.outcome = 'pending';
	try {
		const frames = await connection.request('echo', $('echo-text').value, { timeout: 3000 });
		showResult(result, frames.map(frameText).join(' | '));
	}
	catch (error) {
		showError(result, error);
	}
});

// --- live ticker -----------------------------------------------------------------------------

const prices = new Map();
let tickerSubscription = null;

function onPrice([topic, price]) {
	const symbol = frameText(topic).slice('ticker.'.length);
	let row = prices.get(symbol);
	if (!row) {
		const tr = document.createElement('tr');
		tr.dataset.symbol = symbol;
		tr.innerHTML = '<td></td><td class="number price"></td><td class="number count">0</td>';
		tr.cells[0].textContent = symbol;
		row = { tr, value: null, count: 0 };
		prices.set(symbol, row);
		$('prices').append(...[...prices.keys()].sort().map((key) => prices.get(key).tr));
	}
	const value = Number(frameText(price));
	row.tr.cells[1].textContent = frameText(price);
	row.tr.cells[1].className = 'number price ' + (row.value === null || value === row.value ? '' : value > row.value ? 'up' : 'down');
	row.value = value;
	row.count++;
	row.tr.cells[2].textContent = String(row.count);
	row.tr.classList.remove('stale');
}

function subscribeTicker() {
	const state = $('ticker-state');
	state.textContent = 'Subscribing…';
	tickerSubscription = connection.subscribe('ticker', 'ticker.', onPrice);
	tickerSubscription.ready.then(
		() => {
			if (tickerSubscription?.active) {
				state.textContent = 'Subscribed';
			}
		},
		(error) => showError(state, error));
	$('ticker-toggle').textContent = 'Unsubscribe';
}

$('ticker-toggle').addEventListener('click', () => {
	if (tickerSubscription) {
		tickerSubscription.unsubscribe();
		tickerSubscription = null;
		$('ticker-state').textContent = 'Not subscribed';
		$('ticker-toggle').textContent = 'Subscribe';
		for (const row of prices.values()) {
			row.tr.classList.add('stale');
		}
	}
	else {
		subscribeTicker();
	}
});

subscribeTicker();

// --- RPC calculator, plain and streaming -------------------------------------------------------

$('calc-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const operation = event.submitter?.value ?? 'add';
	const a = Number($('calc-a').value);
	const b = Number($('calc-b').value);
	const result = $('calc-result');
	result.dataset.outcome = 'pending';
	try {
		const value = await connection.rpc(`calc.${operation}`, [a, b], {}, { timeout: 3000 });
		showResult(result, `${a} ${operation === 'add' ? '+' : '÷'} ${b} = ${value}`);
	}
	catch (error) {
		showError(result, error);
	}
});

let countdown = null;

$('countdown-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	countdown?.stream.cancel();
	const run = { stream: connection.stream('calc.countdown', [Number($('countdown-from').value)]), cancelled: false };
	countdown = run;
	const state = $('countdown-state');
	const items = $('countdown-items');
	items.replaceChildren();
	state.dataset.outcome = 'running';
	state.textContent = 'running';
	$('countdown-cancel').disabled = false;
	try {
		for await (const value of run.stream) {
			const item = document.createElement('li');
			item.textContent = String(value);
			items.append(item);
		}
		if (countdown === run) {
			state.dataset.outcome = run.cancelled ? 'cancelled' : 'done';
			state.textContent = run.cancelled ? `cancelled after ${items.children.length}` : 'done';
		}
	}
	catch (error) {
		if (countdown === run) {
			showError(state, error);
		}
	}
	finally {
		if (countdown === run) {
			$('countdown-cancel').disabled = true;
		}
	}
});

$('countdown-cancel').addEventListener('click', () => {
	if (countdown) {
		countdown.cancelled = true;
		countdown.stream.cancel();
	}
});

// --- server -> browser -----------------------------------------------------------------------

let notificationCount = 0;

connection.register('notify', (text, sentAt) => {
	notificationCount++;
	const time = sentAt ? new Date(sentAt).toLocaleTimeString() : '';
	addLogEntry($('notifications'), `${time} ${text}`.trim());
	return `shown as notification #${notificationCount}`;
});

$('notify-me').addEventListener('click', async () => {
	const result = $('notify-result');
	result.dataset.outcome = 'pending';
	try {
		const answer = await connection.rpc('notifications.notifyMe', ['Hello from the server'], {}, { timeout: 8000 });
		showResult(result, `The browser answered the server: ${answer}`);
	}
	catch (error) {
		showError(result, error);
	}
});

connection.subscribe('/clock', (data) => {
	$('clock').textContent = new Date(data.time).toLocaleTimeString();
	$('clock').dataset.tick = String(data.tick);
	$('clock').dataset.started = data.started;
});

// --- push ------------------------------------------------------------------------------------

connection.subscribe('ticker', 'pushed.', (frames) => {
	addLogEntry($('push-log'), frames.slice(1).map(frameText).join(' | '));
});

$('push-form').addEventListener('submit', async (event) => {
	event.preventDefault();
	const result = $('push-result');
	result.dataset.outcome = 'pending';
	try {
		await connection.push('events', $('push-text').value);
		showResult(result, 'Pushed; it comes back below once republished.');
	}
	catch (error) {
		showError(result, error);
	}
});

// --- a denied action -------------------------------------------------------------------------

$('place-order').addEventListener('click', async () => {
	const result = $('access-result');
	result.dataset.outcome = 'pending';
	try {
		const order = await connection.rpc('trading.placeOrder', ['EURUSD', 1000], {}, { timeout: 3000 });
		showResult(result, `Order placed: ${JSON.stringify(order)}`);
	}
	catch (error) {
		showError(result, error);
	}
});
