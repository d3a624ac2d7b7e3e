#!/usr/bin/env python3
"""An independent subscriber to Lookout's frame relay (pyzmq), written from docs/ts-frame-buffers.md.

Subscribes to a `*.frame` topic for --seconds and checks every relayed frame: four frames (topic, header, JSON body,
pixels), `bytes` equal to the pixel frame's length, and, with --verify-pattern, the producer's test pattern: the
frame number in the first 8 bytes equal to the body's `frame` and the checksum in the next 8 matching the rest.
Prints a JSON summary: frames, verified, bad, distinct, rate (frames per second over the window), first_body.
"""
import argparse, json, struct, sys, time
import zmq

MASK = (1 << 64) - 1


def checksum(data):
    (number,) = struct.unpack_from("<Q", data, 0)
    h = 0x9E3779B97F4A7C15 ^ number
    words = (len(data) - 16) // 8
    for (w,) in struct.iter_unpack("<Q", data[16:16 + 8 * words]):
        h = (((h << 7) | (h >> 57)) + w) & MASK
    for b in data[16 + 8 * words:]:
        h = (((h << 7) | (h >> 57)) + b) & MASK
    return (h * 0xBF58476D1CE4E5B9) & MASK


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pub", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--verify-pattern", action="store_true")
    parser.add_argument("--rcvhwm", type=int, default=1000)
    parser.add_argument("--stuck", action="store_true", help="subscribe, never read, for --seconds (a slow subscriber)")
    args = parser.parse_args()
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.RCVHWM, args.rcvhwm)
    sub.setsockopt(zmq.RCVBUF, 65536)
    sub.connect(args.pub)
    sub.setsockopt(zmq.SUBSCRIBE, args.topic.encode())
    if args.stuck:
        time.sleep(args.seconds)
        print(json.dumps({"stuck": args.seconds}))
        return 0
    frames = verified = bad = 0
    numbers, first_body, problems = [], None, []
    start = None
    deadline = time.time() + args.seconds + 10  # the first frame may take a while (subscription, first relay tick)
    while time.time() < deadline:
        if not sub.poll(200):
            continue
        parts = sub.recv_multipart(copy=True)
        now = time.time()
        if start is None:
            start, deadline = now, now + args.seconds
        if len(parts) != 4:
            bad += 1
            problems.append(f"{len(parts)} frames")
            continue
        body = json.loads(parts[2])
        first_body = first_body or body
        pixels = parts[3]
        frames += 1
        numbers.append(body["frame"])
        ok = body["bytes"] == len(pixels)
        if ok and args.verify_pattern:
            (stamped,) = struct.unpack_from("<Q", pixels, 0)
            (stored,) = struct.unpack_from("<Q", pixels, 8)
            ok = stamped == body["frame"] and stored == checksum(pixels)
        if ok:
            verified += 1
        else:
            bad += 1
            problems.append(f"frame {body['frame']} does not verify")
    elapsed = (time.time() - start) if start else 0
    print(json.dumps({
        "frames": frames, "verified": verified, "bad": bad, "distinct": len(set(numbers)),
        "increasing": all(a < b for a, b in zip(numbers, numbers[1:])),
        "rate": frames / elapsed if elapsed else 0, "first_body": first_body, "problems": problems[:5],
    }))


if __name__ == "__main__":
    sys.exit(main())
