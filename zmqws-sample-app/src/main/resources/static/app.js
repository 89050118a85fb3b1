// A minimal client of the zmqws protocol (zmqws.v1.json) using the browser's WebSocket.
// Every message is a JSON object with an "op"; virtual sockets are numbered ("sid") by the
// client, and requests and pushes carry an "id" that the answer repeats.
(function () {
	'use strict';

	const PROTOCOL = 'zmqws.v1.json';
	const SID = { echo: 1, ticker: 2, events: 3, pushed: 4 };
	const MAX_LOG_ENTRIES = 12;

	const $ = (id) => document.getElementById(id);
	const echoButton = $('echo-form').querySelector('button');
	const pushButton = $('push-form').querySelector('button');

	let socket = null;
	let nextId = 1;
	let reconnectDelay = 1000;
	let subscribed = false;
	const prices = new Map();

	function connect() {
		setStatus('connecting', 'Connecting…');
		const scheme = (location.protocol === 'https:') ? 'wss://' : 'ws://';
		socket = new WebSocket(scheme + location.host + '/zmqws', PROTOCOL);
		socket.onmessage = (event) => handle(JSON.parse(event.data));
		socket.onclose = (event) => {
			setReady(false);
			subscribed = false;
			showTickerState('Not subscribed');
			const seconds = Math.round(reconnectDelay / 1000);
			setStatus('closed', 'Disconnected (' + event.code + (event.reason ? ' ' + event.reason : '')
				+ '), retrying in ' + seconds + ' s');
			setTimeout(connect, reconnectDelay);
			reconnectDelay = Math.min(reconnectDelay * 2, 30000);
		};
	}

	function send(message) {
		socket.send(JSON.stringify(message));
	}

	function handle(message) {
		switch (message.op) {
			case 'welcome':
				reconnectDelay = 1000;
				setStatus('open', 'Connected, session ' + message.session);
				for (const [endpoint, sid] of Object.entries(SID)) {
					send({ op: 'open', sid: sid, endpoint: (endpoint === 'pushed') ? 'ticker' : endpoint });
				}
				break;
			case 'opened':
				if (message.sid === SID.pushed) {
					send({ op: 'subscribe', sid: SID.pushed, topic: 'pushed.' });
				}
				if (message.sid === SID.events) {
					setReady(true);
				}
				break;
			case 'reply':
				showEcho(message.frames.map(frameText).join(' | '), false);
				break;
			case 'subscribed':
			case 'unsubscribed':
				if (message.sid === SID.ticker) {
					subscribed = (message.op === 'subscribed');
					setReady(true);
					showTickerState(subscribed ? 'Subscribed' : 'Not subscribed');
					document.querySelectorAll('#prices tr').forEach((row) => row.classList.toggle('stale', !subscribed));
				}
				break;
			case 'message':
				if (message.sid === SID.ticker) {
					showPrice(frameText(message.frames[0]), frameText(message.frames[1]));
				}
				else if (message.sid === SID.pushed) {
					log('← back on ' + message.frames.map(frameText).join(' | '));
				}
				break;
			case 'pushed':
				log('✓ push #' + message.id + ' handed to ZeroMQ');
				break;
			case 'error':
				showError(message);
				break;
		}
	}

	function showError(error) {
		const text = error.code + ': ' + error.message;
		if (error.sid === SID.echo) {
			showEcho(text, true);
		}
		else if (error.sid === SID.events) {
			log('✗ push #' + error.id + ' failed, ' + text);
		}
		else if (error.sid === SID.ticker) {
			showTickerState(text);
			setReady(true);
		}
		else {
			setStatus('closed', text);
		}
	}

	// A frame is a string, or {"base64": "..."} when its bytes are not UTF-8.
	function frameText(frame) {
		return (typeof frame === 'string') ? frame : '[' + atob(frame.base64).length + ' bytes]';
	}

	function setStatus(state, text) {
		const status = $('status');
		status.className = 'status ' + state;
		status.textContent = text;
	}

	function setReady(ready) {
		echoButton.disabled = !ready;
		pushButton.disabled = !ready;
		$('subscribe').disabled = !ready || subscribed;
		$('unsubscribe').disabled = !ready || !subscribed;
	}

	function showEcho(text, failed) {
		const result = $('echo-result');
		result.textContent = text;
		result.classList.toggle('error', failed);
	}

	function showTickerState(text) {
		$('ticker-state').textContent = text;
	}

	function showPrice(topic, priceText) {
		let entry = prices.get(topic);
		if (!entry) {
			const row = document.createElement('tr');
			row.innerHTML = '<td></td><td class="price"></td><td></td>';
			row.cells[0].textContent = topic;
			$('prices').appendChild(row);
			entry = { row: row, price: NaN, updates: 0 };
			prices.set(topic, entry);
		}
		const price = Number(priceText);
		const cell = entry.row.cells[1];
		cell.textContent = priceText;
		cell.classList.toggle('up', price > entry.price);
		cell.classList.toggle('down', price < entry.price);
		entry.price = price;
		entry.updates++;
		entry.row.cells[2].textContent = entry.updates;
	}

	function log(text) {
		const list = $('push-log');
		const item = document.createElement('li');
		item.textContent = text;
		list.insertBefore(item, list.firstChild);
		while (list.children.length > MAX_LOG_ENTRIES) {
			list.removeChild(list.lastChild);
		}
	}

	$('echo-form').addEventListener('submit', (event) => {
		event.preventDefault();
		showEcho('…', false);
		send({ op: 'request', sid: SID.echo, id: nextId++, frames: [$('echo-text').value], timeout: 3000 });
	});

	$('subscribe').addEventListener('click', () => {
		$('subscribe').disabled = true;
		send({ op: 'subscribe', sid: SID.ticker, topic: 'ticker.' });
	});

	$('unsubscribe').addEventListener('click', () => {
		$('unsubscribe').disabled = true;
		send({ op: 'unsubscribe', sid: SID.ticker, topic: 'ticker.' });
	});

	$('push-form').addEventListener('submit', (event) => {
		event.preventDefault();
		const id = nextId++;
		const text = $('push-text').value;
		log('→ push #' + id + ' ' + text);
		send({ op: 'push', sid: SID.events, id: id, frames: [text] });
	});

	connect();
})();
