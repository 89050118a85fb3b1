#!/usr/bin/python3
"""A libzmq RPC client (DEALER or REQ) of the gateway's ROUTER server, driven step by step.

Connects to the address given as its first argument and runs the commands that the
test appends to the file given with --commands, one JSON object per line, in order:
  {"send": value}   sends json.dumps(value) as the call frame
  {"raw": text}     sends text, UTF-8 encoded, as the call frame (for malformed calls)
A DEALER sends the call as [call]; a REQ as [b"", call] (pyzmq adds the delimiter).
Reports each command once sent as {"event": "sent", "seq": n} (n counts from 1), or
{"event": "send_failed", "seq": n, "error": ...}, and every message received as
{"event": "answer", "frames": [base64...], "answer": the last frame as JSON, or null}.

Commands come through a file rather than stdin because stdin is the lifetime signal
every interop peer shares: the client ends on stdin EOF, SIGTERM or its lifetime limit.
"""

import json
import os
import signal
import sys
import threading
import time

import zmq

from interop_peer import Peer, arguments


class Client(Peer):
    """A Peer that connects instead of binding; READY once connecting."""

    def __init__(self, socket_type, address, max_seconds):
        self._deadline = time.monotonic() + max_seconds
        self._stopping = threading.Event()
        self._stop_reason = None
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        threading.Thread(target=self._watch_stdin, name="stdin-watch", daemon=True).start()
        self.context = zmq.Context()
        self.socket = self.context.socket(socket_type)
        self.socket.setsockopt(zmq.LINGER, 0)
        self.socket.connect(address)
        print("READY", flush=True)


class Commands:
    """The complete lines appended to a file since the last look."""

    def __init__(self, path):
        self._fd = os.open(path, os.O_RDONLY)
        self._pending = b""

    def new_lines(self):
        while True:
            chunk = os.read(self._fd, 65536)
            if not chunk:
                break
            self._pending += chunk
        *lines, self._pending = self._pending.split(b"\n")
        return [line for line in lines if line.strip()]

    def close(self):
        os.close(self._fd)


def main():
    parser = arguments(__doc__)
    parser.add_argument("--type", choices=["dealer", "req"], default="dealer")
    parser.add_argument("--commands", required=True, help="file the test appends commands to")
    args = parser.parse_args()
    client = Client(zmq.REQ if args.type == "req" else zmq.DEALER, args.address, args.max_seconds)
    commands = Commands(args.commands)
    seq = 0
    try:
        while client.alive():
            for line in commands.new_lines():
                seq += 1
                command = json.loads(line.decode("utf-8"))
                if "raw" in command:
                    frame = command["raw"].encode("utf-8")
                else:
                    frame = json.dumps(command["send"]).encode("utf-8")
                try:
                    client.socket.send(frame, zmq.NOBLOCK)
                    client.report("sent", seq=seq)
                except zmq.ZMQError as error:
                    client.report("send_failed", seq=seq, error=str(error))
            if not client.poll_in(20):
                continue
            for _ in range(100):  # then look for commands again, even while answers stream in
                try:
                    frames = client.socket.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    break
                try:
                    answer = json.loads(frames[-1].decode("utf-8"))
                except ValueError:
                    answer = None
                client.report("answer", frames=frames, answer=answer)
                if args.type == "req":
                    break  # a REQ takes one answer per call; receiving again is an error
    finally:
        commands.close()
        client.close()


if __name__ == "__main__":
    main()
