#!/usr/bin/python3
"""A libzmq RPC service speaking the zmqws RPC envelope, on ROUTER (default) or REP.

A call is {"id", "method", "args", "kwargs"}; {"id", "cancel": true} stops a stream.
Answers are {"id", "result"}, {"id", "item"}... {"id", "done": true}, or
{"id", "error": {"code", "message"}}.

On ROUTER a request is [routing id, correlation id, b"", call] and every answer goes
back as [routing id, correlation id, b"", answer]: everything before the last frame is
the envelope. On REP (--rep) the socket strips and restores the envelope itself, so the
service sees [call] and answers exactly once.

Methods:
  echo(*args, **kwargs)  -> result {"args": args, "kwargs": kwargs}
  add(a, b)              -> result a + b, positional or keyword
  count(n)               -> items 1..n, then done (ROUTER only)
  ticks(interval_ms)     -> items 1, 2, ... every interval_ms until cancelled (ROUTER only)
  fail(code, message)    -> error {code, message}
  hang()                 -> never answered (ROUTER only)
  anything else          -> error unknown_method

Reports every message as {"event": "call", "envelope": [...], "call": {...}} (the
envelope base64-encoded, "call" null when not JSON), a cancel as
{"event": "cancelled", "id": ..., "sent": items sent before the cancel, "known": bool},
and an answer it could not send as {"event": "send_failed", "id": ..., "error": ...}.
A ROUTER never drops an answer silently (ROUTER_MANDATORY): it waits up to 5 s while
the caller's queue is full.
"""

import json
import time

import zmq

from interop_peer import Peer, arguments


class Failure(Exception):

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def bind(function, args, kwargs, *names):
    """Binds a call's arguments to ``names`` like Python would, or fails with invalid_argument."""
    if len(args) > len(names):
        raise Failure("invalid_argument", "%s takes at most %d arguments" % (function, len(names)))
    values = dict(zip(names, args))
    for name, value in kwargs.items():
        if name not in names:
            raise Failure("invalid_argument", "Unknown argument '%s'" % name)
        if name in values:
            raise Failure("invalid_argument", "Argument '%s' given twice" % name)
        values[name] = value
    for name in names:
        if name not in values:
            raise Failure("invalid_argument", "Missing argument '%s'" % name)
    return [values[name] for name in names]


class Service:

    def __init__(self, peer, streaming):
        self.peer = peer
        self.streaming = streaming
        # (routing id, id as JSON) -> {"envelope", "id", "next", "interval", "sent"}
        self.streams = {}

    def answer(self, envelope, answer):
        try:
            self.peer.socket.send_multipart(envelope + [json.dumps(answer).encode("utf-8")])
        except zmq.ZMQError as error:  # the caller is gone, or not reading for SNDTIMEO
            self.peer.report("send_failed", id=answer.get("id"), error=str(error))

    def handle(self, envelope, payload):
        try:
            call = json.loads(payload.decode("utf-8"))
        except ValueError:
            call = None
        self.peer.report("call", envelope=envelope, call=call)
        if not isinstance(call, dict) or "id" not in call:
            self.answer(envelope, {"id": None, "error": {"code": "bad_message", "message": "Not a call"}})
            return
        call_id = call["id"]
        key = (envelope[0] if envelope else b"", json.dumps(call_id))
        if call.get("cancel") is True:
            stream = self.streams.pop(key, None)
            self.peer.report("cancelled", id=call_id, known=stream is not None,
                             sent=stream["sent"] if stream else 0)
            if not self.streaming:
                # REP must answer every message; nobody waits for this one.
                self.answer(envelope, {"id": call_id, "result": None})
            return
        method = call.get("method")
        args = call.get("args") or []
        kwargs = call.get("kwargs") or {}
        try:
            self.run(envelope, key, call_id, method, args, kwargs)
        except Failure as failure:
            self.answer(envelope, {"id": call_id, "error": {"code": failure.code, "message": failure.message}})

    def run(self, envelope, key, call_id, method, args, kwargs):
        if method == "echo":
            self.answer(envelope, {"id": call_id, "result": {"args": args, "kwargs": kwargs}})
        elif method == "add":
            a, b = bind("add", args, kwargs, "a", "b")
            self.answer(envelope, {"id": call_id, "result": a + b})
        elif method == "fail":
            code, message = bind("fail", args, kwargs, "code", "message")
            raise Failure(code, message)
        elif method in ("count", "ticks", "hang") and not self.streaming:
            raise Failure("unsupported", "REP answers once: '%s' needs ROUTER" % method)
        elif method == "count":
            (n,) = bind("count", args, kwargs, "n")
            for i in range(1, n + 1):
                self.answer(envelope, {"id": call_id, "item": i})
            self.answer(envelope, {"id": call_id, "done": True})
        elif method == "ticks":
            (interval,) = bind("ticks", args, kwargs, "interval_ms")
            self.streams[key] = {"envelope": envelope, "id": call_id, "interval": interval / 1000.0,
                                 "next": time.monotonic(), "sent": 0}
        elif method == "hang":
            pass
        else:
            raise Failure("unknown_method", "The python service has no method '%s'" % method)

    def tick(self):
        """Sends the items that are due; returns the seconds until the next one."""
        now = time.monotonic()
        wait = 0.05
        for stream in self.streams.values():
            if stream["next"] <= now:
                stream["sent"] += 1
                self.answer(stream["envelope"], {"id": stream["id"], "item": stream["sent"]})
                stream["next"] = now + stream["interval"]
            wait = min(wait, max(0.0, stream["next"] - now))
        return wait


def configure(socket):
    if socket.type == zmq.ROUTER:
        # Never drop an answer silently: wait while the caller's queue is full (at most
        # SNDTIMEO), and fail when the caller is gone.
        socket.setsockopt(zmq.ROUTER_MANDATORY, 1)
    socket.setsockopt(zmq.SNDTIMEO, 5000)


def main():
    parser = arguments(__doc__)
    parser.add_argument("--rep", action="store_true", help="serve on REP instead of ROUTER")
    args = parser.parse_args()
    peer = Peer(zmq.REP if args.rep else zmq.ROUTER, args.address, args.max_seconds, configure)
    service = Service(peer, streaming=not args.rep)
    try:
        while peer.alive():
            wait = service.tick()
            if not peer.poll_in(int(wait * 1000) + 1):
                continue
            message = peer.socket.recv_multipart()
            service.handle(message[:-1], message[-1])
    finally:
        peer.close()


if __name__ == "__main__":
    main()
