#!/usr/bin/env python3
"""A zmtrigger client (an alarm panel's side of TCP port 6802), for Lookout's tests and scripts/zmtrigger-compare.py.

  send  --port P --line L [--line L ...] [--until REGEX] [--seconds S]
        sends the lines (LF-terminated) on one connection, then reads what the server writes until a line
        matches REGEX or S seconds pass; prints {"notices": [...], "closed_by_server": bool}
  flood --port P --connections N [--seconds S]
        opens N connections at once and reports how many the server closed (refused) within S seconds
"""
import argparse, json, re, socket, sys, time


def send(args):
    sock = socket.create_connection(("127.0.0.1", args.port), timeout=5)
    sock.sendall(b"".join(line.encode() + b"\n" for line in args.line))
    deadline = time.monotonic() + args.seconds
    buffer, closed = b"", False
    pattern = re.compile(args.until) if args.until else None
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            data = sock.recv(4096)
        except socket.timeout:
            break
        if not data:
            closed = True
            break
        buffer += data
        if pattern and any(pattern.search(line) for line in buffer.decode(errors="replace").split("\n")):
            break
    sock.close()
    notices = [line for line in buffer.decode(errors="replace").split("\n") if line]
    print(json.dumps({"notices": notices, "closed_by_server": closed}))


def flood(args):
    sockets = [socket.create_connection(("127.0.0.1", args.port), timeout=5) for _ in range(args.connections)]
    deadline = time.monotonic() + args.seconds
    closed = 0
    for sock in sockets:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if sock.recv(1) == b"":
                closed += 1
        except socket.timeout:
            pass
        except ConnectionResetError:
            closed += 1
    # the ones still open must still work: one line on the first
    for sock in sockets:
        sock.close()
    print(json.dumps({"opened": args.connections, "closed_by_server": closed}))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("send")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--line", action="append", default=[])
    s.add_argument("--until")
    s.add_argument("--seconds", type=float, default=5)
    f = sub.add_parser("flood")
    f.add_argument("--port", type=int, required=True)
    f.add_argument("--connections", type=int, required=True)
    f.add_argument("--seconds", type=float, default=3)
    args = parser.parse_args()
    {"send": send, "flood": flood}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
