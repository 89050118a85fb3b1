#!/usr/bin/python3
"""A libzmq PUB (or, with --xpub, XPUB) publisher of a known sequence.

Every --interval-ms (default 20) it publishes, for a counter n = 1, 2, ..., the message
[topic, b"%d" % n, n as 8 bytes big-endian + b"\\xff\\xfe\\x00"] on every --topic, in the
order given. It keeps publishing until stopped, so that late subscribers see messages
too. A topic written hex:<hex> is taken as bytes.

With --xpub, reports every subscription message it gets as
{"event": "subscribe" | "unsubscribe", "topic": base64}.
"""

import struct
import time

import zmq

from interop_peer import Peer, arguments, frame_argument


def main():
    parser = arguments(__doc__)
    parser.add_argument("--topic", action="append", required=True, help="a topic to publish on (repeatable)")
    parser.add_argument("--interval-ms", type=float, default=20.0)
    parser.add_argument("--xpub", action="store_true", help="use XPUB and report subscriptions")
    args = parser.parse_args()
    topics = [frame_argument(topic) for topic in args.topic]
    interval = args.interval_ms / 1000.0

    def verbose(socket):
        socket.setsockopt(zmq.XPUB_VERBOSE, 1)

    peer = Peer(zmq.XPUB if args.xpub else zmq.PUB, args.address, args.max_seconds,
                verbose if args.xpub else None)
    counter = 0
    next_round = time.monotonic()
    try:
        while peer.alive():
            now = time.monotonic()
            if now >= next_round:
                counter += 1
                payload = struct.pack(">Q", counter) + b"\xff\xfe\x00"
                for topic in topics:
                    peer.socket.send_multipart([topic, b"%d" % counter, payload])
                next_round = max(next_round + interval, now)
                continue
            wait_ms = int((next_round - now) * 1000) + 1
            if not args.xpub:
                peer.wait(wait_ms / 1000.0)
                continue
            if peer.poll_in(wait_ms):
                subscription = peer.socket.recv()
                if subscription[:1] in (b"\x00", b"\x01"):
                    kind = "subscribe" if subscription[0] == 1 else "unsubscribe"
                    peer.report(kind, topic=subscription[1:])
    finally:
        peer.close()


if __name__ == "__main__":
    main()
