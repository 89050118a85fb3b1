#!/usr/bin/python3
"""A libzmq PULL collector: reports every message as {"event": "message", "frames": [base64...]}."""

import zmq

from interop_peer import Peer, arguments


def main():
    args = arguments(__doc__).parse_args()
    peer = Peer(zmq.PULL, args.address, args.max_seconds)
    try:
        while peer.alive():
            if peer.poll_in(50):
                peer.report("message", frames=peer.socket.recv_multipart())
    finally:
        peer.close()


if __name__ == "__main__":
    main()
