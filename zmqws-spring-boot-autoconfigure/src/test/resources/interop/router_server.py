#!/usr/bin/python3
"""A libzmq ROUTER service that echoes each request's envelope back as-is.

A request is [envelope..., b"", first, *rest], where the envelope starts with the
routing id that ROUTER adds. The reply is [envelope..., b"", b"router:" + first, *rest].
A request whose first frame is b"delay:<ms>" is answered after that many milliseconds,
later requests meanwhile being answered at once, so replies can overtake each other.

Reports every request as {"event": "request", "envelope": [...], "frames": [...]},
base64-encoded, the envelope including the empty delimiter.
"""

import heapq
import itertools
import sys
import time

import zmq

from interop_peer import Peer, arguments


def delay_of(first):
    if first.startswith(b"delay:"):
        try:
            return int(first[len(b"delay:"):]) / 1000.0
        except ValueError:
            return 0.0
    return 0.0


def main():
    args = arguments(__doc__).parse_args()
    peer = Peer(zmq.ROUTER, args.address, args.max_seconds)
    due = []
    order = itertools.count()
    try:
        while peer.alive():
            now = time.monotonic()
            while due and due[0][0] <= now:
                peer.socket.send_multipart(heapq.heappop(due)[2])
            timeout = 50 if not due else max(0, min(50, int((due[0][0] - now) * 1000) + 1))
            if not peer.poll_in(timeout):
                continue
            message = peer.socket.recv_multipart()
            if b"" not in message[1:]:
                print("dropped a message without delimiter: %r" % message, file=sys.stderr, flush=True)
                continue
            delimiter = message.index(b"", 1)
            envelope, frames = message[:delimiter + 1], message[delimiter + 1:]
            peer.report("request", envelope=envelope, frames=frames)
            first = frames[0] if frames else b""
            reply = envelope + [b"router:" + first] + frames[1:]
            heapq.heappush(due, (time.monotonic() + delay_of(first), next(order), reply))
    finally:
        peer.close()


if __name__ == "__main__":
    main()
