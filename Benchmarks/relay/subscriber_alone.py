#!/usr/bin/env python3
"""What the relay benchmark's receiver takes by itself (docs/performance.md, "Relay throughput"): a Python sender
in this process, zero-copy sends of the same 1080p I420 bytes over ipc, to relay_bench's sink (pyzmq, copy=False,
RCVHWM 100) in another process: PUSH→PULL with one part and with the relay's four (topic, header, body, pixels),
and XPUB→SUB with four parts at SNDHWM 100 and 1000 (the agent's XPUB has about 1 000), XPUB_NODROP so that the
sender waits at the high-water mark as PUSH does instead of spinning.

Usage: subscriber_alone.py [SECONDS]
"""
import json, os, sys, tempfile, time
import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relay_bench  # noqa: E402

TOPIC = "ts.channel.1.frame"


def run(kind, parts, directory, seconds, sndhwm):
    endpoint = f"ipc://{directory}/{kind}-{parts}-{sndhwm}"
    ctx = zmq.Context()
    sender = ctx.socket(getattr(zmq, kind))
    sender.setsockopt(zmq.SNDHWM, sndhwm)
    if kind == "XPUB":
        # EAGAIN at the high-water mark instead of a silent drop, so the sender waits like PUSH's rather than spin
        # on a core the receiver needs.
        sender.setsockopt(zmq.XPUB_NODROP, 1)
    sender.bind(endpoint)
    receiver = relay_bench.sink(endpoint, "SUB" if kind == "XPUB" else "PULL", seconds, topic=TOPIC if kind == "XPUB" else None)
    if kind == "XPUB":
        sender.recv()  # the subscription: nothing is sent before it arrives
    frame = os.urandom(relay_bench.FRAME)
    head = [TOPIC.encode(), b"h" * 60, b"b" * 250]
    deadline = time.time() + seconds + 30
    while receiver.poll() is None and time.time() < deadline:
        try:
            if parts == 4:
                for part in head:
                    sender.send(part, flags=zmq.NOBLOCK | zmq.SNDMORE)
            sender.send(frame, copy=False, flags=zmq.NOBLOCK)
        except zmq.Again:
            sender.poll(100, zmq.POLLOUT)
    out = receiver.communicate()[0]
    sender.close(linger=0)
    ctx.term()
    return relay_bench.rates(json.loads(out))


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 4
    with tempfile.TemporaryDirectory(prefix="lookout-sub-", dir="/dev/shm") as directory:
        for kind, parts, hwm in [("PUSH", 1, 100), ("PUSH", 4, 100), ("XPUB", 4, 100), ("XPUB", 4, 1000)]:
            result = run(kind, parts, directory, seconds, hwm)
            print(json.dumps({"sender": kind, "parts": parts, "sndhwm": hwm, **result,
                              "load_average": open("/proc/loadavg").read().split()[:3]}), flush=True)


if __name__ == "__main__":
    main()
