"""Plumbing shared by the libzmq interop peers.

Every peer binds one socket to the address given as its first argument, prints a
``READY`` line once bound, reports what it sees as one JSON object per line on
stdout (frames base64-encoded), and ends cleanly on stdin EOF, SIGTERM or SIGINT,
or when its bounded lifetime runs out, so that nothing can hang a build.
"""

import argparse
import base64
import json
import os
import signal
import sys
import threading
import time

import zmq


def arguments(description):
    """An argument parser with the options every peer takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("address", help="ZeroMQ address to bind, e.g. tcp://127.0.0.1:5555")
    parser.add_argument("--max-seconds", type=float, default=120.0,
                        help="end after this many seconds in any case (default 120)")
    return parser


class Peer:
    """A bound socket with a bounded lifetime and a way to report events."""

    def __init__(self, socket_type, address, max_seconds, configure=None):
        self._deadline = time.monotonic() + max_seconds
        self._stopping = threading.Event()
        self._stop_reason = None
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        threading.Thread(target=self._watch_stdin, name="stdin-watch", daemon=True).start()
        self.context = zmq.Context()
        self.socket = self.context.socket(socket_type)
        self.socket.setsockopt(zmq.LINGER, 0)
        if configure is not None:
            configure(self.socket)
        self.socket.bind(address)
        print("READY", flush=True)

    def _on_signal(self, signum, frame):
        self.stop("signal %d" % signum)

    def _watch_stdin(self):
        # Raw reads: a daemon thread blocked in a buffered read aborts the interpreter at exit.
        try:
            while os.read(sys.stdin.fileno(), 4096):
                pass
        except (OSError, ValueError):
            pass
        self.stop("stdin closed")

    def stop(self, reason):
        if self._stop_reason is None:
            self._stop_reason = reason
        self._stopping.set()

    def alive(self):
        """Whether the peer should keep going; records why not when its time is up."""
        if self._stopping.is_set():
            return False
        if time.monotonic() >= self._deadline:
            self.stop("lifetime exceeded")
            return False
        return True

    def wait(self, seconds):
        """Waits up to ``seconds`` unless asked to stop, without touching the socket."""
        self._stopping.wait(max(0.0, seconds))

    def poll_in(self, timeout_ms):
        """Whether a message can be received within ``timeout_ms``."""
        return bool(self.socket.poll(timeout_ms, zmq.POLLIN) & zmq.POLLIN)

    def report(self, event, **fields):
        """Writes one JSON line; values that are lists of bytes are base64-encoded."""
        line = {"event": event}
        for name, value in fields.items():
            if isinstance(value, (bytes, bytearray)):
                value = encode(value)
            elif isinstance(value, list):
                value = [encode(item) if isinstance(item, (bytes, bytearray)) else item for item in value]
            line[name] = value
        print(json.dumps(line), flush=True)

    def close(self):
        self.socket.close(linger=0)
        self.context.term()
        print("stopped: %s" % (self._stop_reason or "done"), file=sys.stderr, flush=True)


def encode(frame):
    return base64.b64encode(bytes(frame)).decode("ascii")


def frame_argument(text):
    """A frame given on the command line: ``hex:ff00`` for bytes, anything else as UTF-8."""
    if text.startswith("hex:"):
        return bytes.fromhex(text[4:])
    return text.encode("utf-8")
