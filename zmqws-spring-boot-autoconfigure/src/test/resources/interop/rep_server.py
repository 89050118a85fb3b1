#!/usr/bin/python3
"""A libzmq REP service: answers [first, *rest] with [b"py:" + first, *rest].

Reports every request as {"event": "request", "frames": [base64...]}.
"""

import zmq

from interop_peer import Peer, arguments


def main():
    args = arguments(__doc__).parse_args()
    peer = Peer(zmq.REP, args.address, args.max_seconds)
    try:
        while peer.alive():
            if not peer.poll_in(50):
                continue
            frames = peer.socket.recv_multipart()
            peer.report("request", frames=frames)
            peer.socket.send_multipart([b"py:" + frames[0]] + frames[1:])
    finally:
        peer.close()


if __name__ == "__main__":
    main()
