#!/usr/bin/env python3
"""An independent Lookout bus client (pyzmq), used by the integration tests and the latency benchmark.

collect: subscribe, take a snapshot (clone pattern), collect live messages, take a second snapshot and check that
         snapshot 1 + live messages reproduce snapshot 2 exactly; print a JSON summary on stdout.
request: send one control request (frames from argv), print the reply frames as a JSON list.
stuck:   subscribe and never read (a stuck subscriber), for --seconds.
"""
import argparse, json, sys, time
import zmq


def request(ctx, endpoint, frames, timeout_ms=5000):
    sock = ctx.socket(zmq.REQ)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(endpoint)
    sock.send_multipart([f.encode() for f in frames])
    if not sock.poll(timeout_ms):
        sock.close()
        return None
    reply = sock.recv_multipart()
    sock.close()
    return [f.decode() for f in reply]


def snapshot(ctx, endpoint, prefix=""):
    reply = request(ctx, endpoint, ["SNAPSHOT", prefix])
    if reply is None or reply[0] != "OK":
        raise SystemExit(f"snapshot failed: {reply}")
    return json.loads(reply[1])


def collect(args):
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    if args.pause:
        sub.setsockopt(zmq.RCVHWM, 5)
    for prefix in args.prefix or [""]:
        sub.setsockopt(zmq.SUBSCRIBE, prefix.encode())
    sub.connect(args.pub)
    # Subscribe first, then ask for state: nothing published in between can be missed (zguide's clone pattern).
    time.sleep(0.2)
    snap1 = snapshot(ctx, args.control)
    if args.pause:
        time.sleep(args.pause)  # a subscriber that falls behind: its queue overflows and it must see gaps
    trigger_sent = False
    state = {item["topic"]: item for item in snap1["items"]}
    live, applied, stale, gseqs = [], 0, 0, set()
    counts = {"duplicates": 0}
    epochs = {snap1["epoch"]}
    last_seq, gaps = {}, []

    def receive():
        """One message, checked: repeated gseq, per-topic seq gap."""
        topic, header, body = sub.recv_multipart()
        topic, header, body = topic.decode(), json.loads(header), json.loads(body)
        epochs.add(header["epoch"])
        if header["gseq"] in gseqs:
            counts["duplicates"] += 1
        gseqs.add(header["gseq"])
        previous = last_seq.get(topic)
        if previous is not None and header["seq"] != previous + 1:
            gaps.append({"topic": topic, "after": previous, "got": header["seq"]})
        last_seq[topic] = header["seq"]
        live.append({"topic": topic, "header": header, "body": body, "received": time.time()})
        return topic, header, body
    deadline = time.time() + args.seconds
    done = False
    event_done = args.until_event_end is None
    reason_done = args.until_reason is None
    while time.time() < deadline and not done:
        if not sub.poll(100):
            continue
        topic, header, body = receive()
        if header["gseq"] <= snap1["gseq"]:
            stale += 1
        else:
            applied += 1
        if args.trigger is not None and not trigger_sent:
            trigger_sent = True
            reply = request(ctx, args.control, ["TRIGGER", str(args.trigger), "on", json.dumps({"score": 77, "cause": "IT", "text": "from the test"})])
            if reply is None or reply[0] != "OK":
                raise SystemExit(f"trigger on failed: {reply}")
        if args.trigger is not None and topic == f"zm.monitor.{args.trigger}.event" and body["type"] == "start":
            request(ctx, args.control, ["TRIGGER", str(args.trigger), "cancel"])
        if args.until_event_end is not None and topic == f"zm.monitor.{args.until_event_end}.event" and body["type"] == "end" \
                and any(m["topic"] == topic and m["body"]["type"] == "start" and m["body"]["event_id"] == body["event_id"] for m in live):
            event_done = True
        if args.until_reason and topic == f"zm.monitor.{args.until_reason[1]}.liveness" and body.get("reason") in args.until_reason[0].split("|"):
            reason_done = True
        done = event_done and reason_done and (args.until_event_end is not None or args.until_reason is not None)
    snap2 = snapshot(ctx, args.control)
    # Catch up with everything published up to snapshot 2 (it is in flight to us), with the same checks.
    catch_up = time.time() + 5
    while (max(gseqs) if gseqs else 0) < snap2["gseq"] and time.time() < catch_up:
        if not sub.poll(100):
            continue
        receive()
    # Rebuild retained state from snapshot 1 plus every live message up to snapshot 2's gseq.
    for message in live:
        if snap1["gseq"] < message["header"]["gseq"] <= snap2["gseq"] and message["topic"] in {i["topic"] for i in snap2["items"]}:
            state[message["topic"]] = {"topic": message["topic"], "header": message["header"], "body": message["body"]}
    expected = {item["topic"]: item for item in snap2["items"]}
    mismatched = sorted(t for t in set(state) | set(expected) if state.get(t) != expected.get(t))
    print(json.dumps({
        "snapshot_gseq": snap1["gseq"], "snapshot_items": len(snap1["items"]), "snapshot2_gseq": snap2["gseq"],
        "epochs": sorted(epochs), "live": live, "applied": applied, "skipped_as_in_snapshot": stale,
        "duplicates": counts["duplicates"], "gaps": gaps, "rebuilt_equals_snapshot2": not mismatched and snap1["epoch"] == snap2["epoch"],
        "mismatched_topics": mismatched, "completed": done,
    }))


def stuck(args):
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.RCVHWM, 1)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(args.pub)
    print("subscribed", flush=True)
    time.sleep(args.seconds)


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("collect")
    c.add_argument("--pub", required=True)
    c.add_argument("--control", required=True)
    c.add_argument("--seconds", type=float, default=10)
    c.add_argument("--prefix", action="append")
    c.add_argument("--until-event-end", type=int)
    c.add_argument("--until-reason", nargs=2, help="REASON[|REASON...] MONITOR")
    c.add_argument("--trigger", type=int, help="force an alarm on this monitor after subscribing; cancel it once its event starts")
    c.add_argument("--pause", type=float, default=0)
    r = commands.add_parser("request")
    r.add_argument("--control", required=True)
    r.add_argument("frames", nargs="*")
    s = commands.add_parser("stuck")
    s.add_argument("--pub", required=True)
    s.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    if args.command == "collect":
        collect(args)
    elif args.command == "request":
        reply = request(zmq.Context(), args.control, args.frames)
        print(json.dumps(reply))
    else:
        stuck(args)


if __name__ == "__main__":
    main()
