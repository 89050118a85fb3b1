package io.zmqws.protocol;

import java.io.IOException;
import java.util.List;

import tools.jackson.databind.JsonNode;

/**
 * Writes a {@link ServerMessage} as an object of named fields, the same fields in the
 * same order for every encoding; an encoding supplies the primitives.
 * <p>
 * Objects and arrays announce their size up front, as length-prefixed encodings need
 * it. Absent optional fields are left out, never written as null.
 */
abstract class ServerMessageWriter {

	protected abstract void startObject(int size) throws IOException;

	protected abstract void endObject() throws IOException;

	protected abstract void startArray(int size) throws IOException;

	protected abstract void endArray() throws IOException;

	protected abstract void name(String name) throws IOException;

	protected abstract void string(String value) throws IOException;

	protected abstract void number(long value) throws IOException;

	protected abstract void bool(boolean value) throws IOException;

	/** Writes one ZeroMQ frame. */
	protected abstract void frame(byte[] frame) throws IOException;

	/** Writes a free JSON value (an RPC result, an event's data, ...). */
	protected abstract void tree(JsonNode value) throws IOException;

	/** Writes the whole message. */
	final void write(ServerMessage message) throws IOException {
		if (message instanceof ServerMessage.Welcome welcome) {
			begin(message, 5 + count(welcome.user()));
			string("protocol", welcome.protocol());
			string("session", welcome.session());
			if (welcome.user() != null) {
				string("user", welcome.user());
			}
			string("transport", welcome.transport());
			string("http", welcome.http());
			ServerMessage.Limits limits = welcome.limits();
			name("limits");
			startObject(4 + count(limits.maxBatchSize()));
			number("maxMessageSize", limits.maxMessageSize());
			number("maxSockets", limits.maxSockets());
			number("maxSubscriptions", limits.maxSubscriptions());
			number("maxPendingRequests", limits.maxPendingRequests());
			if (limits.maxBatchSize() != null) {
				number("maxBatchSize", limits.maxBatchSize());
			}
			endObject();
		}
		else if (message instanceof ServerMessage.Opened opened) {
			begin(message, 3);
			number("sid", opened.sid());
			string("endpoint", opened.endpoint());
			string("type", opened.type());
		}
		else if (message instanceof ServerMessage.Closed closed) {
			begin(message, 1);
			number("sid", closed.sid());
		}
		else if (message instanceof ServerMessage.Reply reply) {
			begin(message, 3);
			number("sid", reply.sid());
			number("id", reply.id());
			frames(reply.frames());
		}
		else if (message instanceof ServerMessage.Message published) {
			boolean dropped = published.dropped() > 0;
			begin(message, dropped ? 3 : 2);
			number("sid", published.sid());
			frames(published.frames());
			if (dropped) {
				number("dropped", published.dropped());
			}
		}
		else if (message instanceof ServerMessage.Subscribed subscribed) {
			topic(message, subscribed.sid(), subscribed.topic());
		}
		else if (message instanceof ServerMessage.Unsubscribed unsubscribed) {
			topic(message, unsubscribed.sid(), unsubscribed.topic());
		}
		else if (message instanceof ServerMessage.Pushed pushed) {
			begin(message, 2);
			number("sid", pushed.sid());
			number("id", pushed.id());
		}
		else if (message instanceof ServerMessage.Pong pong) {
			begin(message, count(pong.id()));
			if (pong.id() != null) {
				number("id", pong.id());
			}
		}
		else if (message instanceof ServerMessage.Result result) {
			value(message, result.id(), result.value());
		}
		else if (message instanceof ServerMessage.Item item) {
			value(message, item.id(), item.value());
		}
		else if (message instanceof ServerMessage.Done done) {
			begin(message, 1);
			number("id", done.id());
		}
		else if (message instanceof ServerMessage.MethodList list) {
			begin(message, 1);
			methods(list.methods());
		}
		else if (message instanceof ServerMessage.Registered registered) {
			begin(message, 1);
			string("name", registered.name());
		}
		else if (message instanceof ServerMessage.Unregistered unregistered) {
			begin(message, 1);
			string("name", unregistered.name());
		}
		else if (message instanceof ServerMessage.Invoke invoke) {
			begin(message, 2 + count(invoke.cid()));
			if (invoke.cid() != null) {
				number("cid", invoke.cid());
			}
			string("function", invoke.function());
			name("args");
			startArray(invoke.args().size());
			for (JsonNode arg : invoke.args()) {
				tree(arg);
			}
			endArray();
		}
		else if (message instanceof ServerMessage.PathSubscribed subscribed) {
			begin(message, 1);
			string("path", subscribed.path());
		}
		else if (message instanceof ServerMessage.PathUnsubscribed unsubscribed) {
			begin(message, 1);
			string("path", unsubscribed.path());
		}
		else if (message instanceof ServerMessage.Event event) {
			begin(message, 2);
			string("path", event.path());
			name("data");
			tree(event.data());
		}
		else if (message instanceof ServerMessage.Authenticated authenticated) {
			begin(message, 1 + count(authenticated.expiresAt()));
			string("user", authenticated.user());
			if (authenticated.expiresAt() != null) {
				number("expiresAt", authenticated.expiresAt());
			}
		}
		else if (message instanceof ServerMessage.Error error) {
			begin(message, 2 + count(error.failedOp()) + count(error.sid()) + count(error.id()));
			string("code", error.code());
			string("message", error.message());
			if (error.failedOp() != null) {
				string("failedOp", error.failedOp());
			}
			if (error.sid() != null) {
				number("sid", error.sid());
			}
			if (error.id() != null) {
				number("id", error.id());
			}
		}
		else {
			throw new IllegalArgumentException("Unknown server message " + message.getClass().getName());
		}
		endObject();
	}

	/** Starts the message's object of {@code fields} fields besides {@code op}, and writes {@code op}. */
	private void begin(ServerMessage message, int fields) throws IOException {
		startObject(1 + fields);
		string("op", message.op());
	}

	private void topic(ServerMessage message, long sid, byte[] topic) throws IOException {
		begin(message, 2);
		number("sid", sid);
		name("topic");
		frame(topic);
	}

	private void value(ServerMessage message, long id, JsonNode value) throws IOException {
		begin(message, 2);
		number("id", id);
		name("value");
		tree(value);
	}

	private void frames(List<byte[]> frames) throws IOException {
		name("frames");
		writeFrames(frames);
	}

	/** Writes a frames array on its own (for a codec that shares it between messages). */
	final void writeFrames(List<byte[]> frames) throws IOException {
		startArray(frames.size());
		for (byte[] frame : frames) {
			frame(frame);
		}
		endArray();
	}

	private void methods(List<ServerMessage.MethodInfo> methods) throws IOException {
		name("methods");
		startArray(methods.size());
		for (ServerMessage.MethodInfo method : methods) {
			startObject(3);
			string("name", method.name());
			name("params");
			startArray(method.params().size());
			for (String param : method.params()) {
				string(param);
			}
			endArray();
			name("streaming");
			bool(method.streaming());
			endObject();
		}
		endArray();
	}

	private void string(String name, String value) throws IOException {
		name(name);
		string(value);
	}

	private void number(String name, long value) throws IOException {
		name(name);
		number(value);
	}

	private static int count(Object optional) {
		return (optional != null) ? 1 : 0;
	}

}
