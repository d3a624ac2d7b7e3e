#!/usr/bin/python3
"""An MJPEG viewer that reads at a chosen pace. Optionally many at once (threads), each its own connection.

    mjpeg_client.py URL --rate R --seconds S [--viewers N] [--rcvbuf BYTES]

Prints one JSON object: per viewer the frames received, the mean rate, the median gap between consecutive frames'
X-Frame-Time (s) over the second half (once buffers are full) and the lag (receive time minus frame time, s) of the last frame.
"""
import argparse
import json
import socket
import statistics
import threading
import time
import urllib.parse


def viewer(url, rate, seconds, rcvbuf, out):
    parts = urllib.parse.urlsplit(url)
    sock = socket.socket()
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    # A stream that stops (no zmc writing the monitor) must end the viewer with what it got, not hang the test.
    sock.settimeout(seconds + 10)
    sock.connect((parts.hostname, parts.port))
    sock.sendall(("GET %s?%s HTTP/1.1\r\nHost: x\r\n\r\n" % (parts.path, parts.query)).encode())
    stream = sock.makefile("rb")
    while stream.readline() not in (b"\r\n", b""):
        pass
    times, start = [], time.monotonic()
    received = 0
    while time.monotonic() - start < seconds:
        line = stream.readline()
        if not line:
            break
        if not line.startswith(b"--"):
            continue
        headers = {}
        while True:
            header = stream.readline().strip()
            if not header:
                break
            name, _, value = header.decode().partition(":")
            headers[name.lower()] = value.strip()
        stream.read(int(headers["content-length"]))
        received += 1
        times.append((time.time(), int(headers["x-frame-time"]) / 1e6))
        if rate:
            time.sleep(1 / rate)
    elapsed = time.monotonic() - start
    sock.close()
    later = times[len(times) // 2:]
    gaps = [b[1] - a[1] for a, b in zip(later, later[1:])]
    out.append({"frames": received, "rate": received / elapsed, "median_gap": statistics.median(gaps) if gaps else None,
                "last_lag": times[-1][0] - times[-1][1] if times else None})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, default=0)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--viewers", type=int, default=1)
    parser.add_argument("--rcvbuf", type=int, default=0)
    args = parser.parse_args()
    out = []
    threads = [threading.Thread(target=viewer, args=(args.url, args.rate, args.seconds, args.rcvbuf, out)) for _ in range(args.viewers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"viewers": out}))


if __name__ == "__main__":
    main()
