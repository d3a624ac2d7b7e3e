#!/usr/bin/env python3
"""An independent Lookout bus client (pyzmq), used by the integration tests and the latency benchmark.

collect: subscribe, take a snapshot (clone pattern), collect live messages, take a second snapshot and check that
         snapshot 1 + live messages reproduce snapshot 2 exactly; print a JSON summary on stdout.
request: send one control request (frames from argv), print the reply frames as a JSON list.
stuck:   subscribe and never read (a stuck subscriber), for --seconds.
flood:   hostile control clients: DEALERs that send a request --count times each and never read; meanwhile count
         heartbeats from a real subscriber and sample the agent's resident memory; print a JSON summary.
"""
import argparse, json, sys, time
import zmq

HEARTBEAT = "agent.heartbeat"


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
    """The whole snapshot, page by page (docs/protocol.md): every page is from the same gseq."""
    items, cursor, retries = [], None, 0
    while True:
        reply = request(ctx, endpoint, ["SNAPSHOT", prefix] + ([cursor] if cursor else []))
        if reply is None:
            raise SystemExit("snapshot failed: no reply")
        page = json.loads(reply[1])
        if reply[0] == "ERR" and page["code"] == "busy" and retries < 100:
            retries += 1
            time.sleep(page.get("retry_ms", 100) / 1000)
            continue
        if reply[0] != "OK":
            raise SystemExit(f"snapshot failed: {reply}")
        items += page["items"]
        cursor = page.get("next")
        if not cursor:
            page["items"] = items
            return page


def await_subscriptions(sub, timeout=10):
    """Returns once every prefix subscribed so far is in effect at the agent's XPUB.

    Subscriptions travel to the publisher in order on one connection, so subscribing to the heartbeat last and
    receiving one proves the earlier ones arrived too. Returns the messages received meanwhile.
    """
    sub.setsockopt(zmq.SUBSCRIBE, HEARTBEAT.encode())
    deadline, early = time.time() + timeout, []
    while time.time() < deadline:
        if sub.poll(100):
            frames = sub.recv_multipart()
            early.append(frames)
            if frames[0].decode() == HEARTBEAT:
                return early
    raise SystemExit(f"no heartbeat within {timeout} s: the subscription did not reach the agent")


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
    wanted = args.prefix or [""]
    await_subscriptions(sub)
    if not any(HEARTBEAT.startswith(p) for p in wanted):
        sub.setsockopt(zmq.UNSUBSCRIBE, HEARTBEAT.encode())
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
        if not any(topic.startswith(p) for p in wanted):
            return None  # a heartbeat of the subscription probe, still in flight after unsubscribing
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
        message = receive()
        if message is None:
            continue
        topic, header, body = message
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
    retained_now = {i["topic"] for i in snap2["items"]}
    for message in live:
        if snap1["gseq"] < message["header"]["gseq"] <= snap2["gseq"] and message["topic"] in retained_now:
            state[message["topic"]] = {"topic": message["topic"], "header": message["header"], "body": message["body"]}
    expected = {item["topic"]: item for item in snap2["items"]}
    mismatched = sorted(t for t in set(state) | set(expected) if state.get(t) != expected.get(t))
    print(json.dumps({
        "snapshot_gseq": snap1["gseq"], "snapshot_items": len(snap1["items"]), "snapshot2_gseq": snap2["gseq"],
        "snapshot_items_after_gseq": sum(1 for s in (snap1, snap2) for i in s["items"] if i["header"]["gseq"] > s["gseq"]),
        "epochs": sorted(epochs), "live": [] if args.no_live else live, "live_count": len(live),
        "refreshed": sum(1 for m in live if m["header"].get("refresh")), "applied": applied, "skipped_as_in_snapshot": stale,
        "duplicates": counts["duplicates"], "gaps": gaps, "rebuilt_equals_snapshot2": not mismatched and snap1["epoch"] == snap2["epoch"],
        "mismatched_topics": mismatched, "completed": done,
    }))


def resident_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def flood(args):
    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.connect(args.pub)
    await_subscriptions(sub)
    rss_before = resident_kib(args.pid)
    clients = []
    for _ in range(args.clients):
        dealer = ctx.socket(zmq.DEALER)
        dealer.setsockopt(zmq.LINGER, 0)
        dealer.setsockopt(zmq.RCVHWM, 1)         # never reads: replies back up into the agent as soon as possible
        dealer.setsockopt(zmq.SNDHWM, args.count)
        dealer.connect(args.control)
        clients.append(dealer)
    sent = 0
    started = time.time()
    for number in range(args.count):
        for index, dealer in enumerate(clients):
            # --vary-prefix: each request asks for another prefix, so none can be answered from the cache
            prefix = [f"zm.monitor.{(number * len(clients) + index) % 1000 + 1}".encode()] if args.vary_prefix else []
            try:
                dealer.send_multipart([b"", args.request.encode()] + prefix, zmq.NOBLOCK)
                sent += 1
            except zmq.Again:
                pass
    beats, peak, samples = [], rss_before, []
    deadline = started + args.seconds
    while time.time() < deadline:
        if sub.poll(20):
            topic, header, body = sub.recv_multipart()
            if topic.decode() == HEARTBEAT:
                beats.append({"received": time.time(), "polls": json.loads(body)["polls"]})
        rss = resident_kib(args.pid)
        peak = max(peak, rss)
        samples.append(rss)
    window = beats[-1]["received"] - beats[0]["received"] if len(beats) > 1 else 0
    ping = request(ctx, args.control, ["PING"])
    health = None
    for _ in range(50):
        reply = request(ctx, args.control, ["HEALTH"])
        if reply and reply[0] == "OK":
            health = json.loads(reply[1])
            break
        time.sleep(0.1)
    print(json.dumps({
        "sent": sent, "seconds": args.seconds, "rss_before_kib": rss_before, "rss_peak_kib": peak,
        "rss_after_kib": resident_kib(args.pid), "heartbeats": len(beats),
        "heartbeats_per_second": (len(beats) - 1) / window if window else 0,
        "polls_per_second": (beats[-1]["polls"] - beats[0]["polls"]) / window if window else 0,
        "ping": ping, "control": (health or {}).get("control"), "overruns": (health or {}).get("overruns"),
    }))
    for dealer in clients:
        dealer.close()


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
    c.add_argument("--no-live", action="store_true", help="leave the live messages out of the summary (large demos)")
    r = commands.add_parser("request")
    r.add_argument("--control", required=True)
    r.add_argument("frames", nargs="*")
    s = commands.add_parser("stuck")
    s.add_argument("--pub", required=True)
    s.add_argument("--seconds", type=float, default=10)
    f = commands.add_parser("flood")
    f.add_argument("--pub", required=True)
    f.add_argument("--control", required=True)
    f.add_argument("--pid", type=int, required=True, help="the agent, whose VmRSS is sampled")
    f.add_argument("--clients", type=int, default=3)
    f.add_argument("--count", type=int, default=1000)
    f.add_argument("--request", default="SNAPSHOT")
    f.add_argument("--vary-prefix", action="store_true", help="SNAPSHOT zm.monitor.<n> with n changing per request")
    f.add_argument("--seconds", type=float, default=8, help="how long to watch heartbeats and memory")
    args = parser.parse_args()
    if args.command == "collect":
        collect(args)
    elif args.command == "flood":
        flood(args)
    elif args.command == "request":
        reply = request(zmq.Context(), args.control, args.frames)
        print(json.dumps(reply))
    else:
        stuck(args)


if __name__ == "__main__":
    main()
