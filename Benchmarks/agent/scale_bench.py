#!/usr/bin/env python3
"""Scale benchmark (release build), run by scripts/agent-bench.sh: N monitors written by `lookout simulate` (10 fps).

startup: time from starting `lookout run` to the first SNAPSHOT reply (first page) and to the whole snapshot.
burst:   16 clients ask for the whole SNAPSHOT at once (as after an agent restart); per client the time to the whole
         snapshot; meanwhile a subscriber measures the longest gap between heartbeats, and HEALTH afterwards
         gives the poll overruns.
cpu:     after start-up (12 s after the first snapshot: the start-up pages given back), the agent (10 Hz) and the paced floor (Benchmarks/floor/paced_floor.c: the same segments mapped, the same
         five fields read every 100 ms) over the same window: CPU % of a core from each thread's schedstat (ns),
         the agent's RSS, and per monitor per tick.
gaps:    a pyzmq subscriber that reads as fast as it can, over at least one re-publish cycle: per-topic seq gaps.
health:  HEALTH and HEALTH <id> latency (min/median/max of 8, a quarter second apart) and size on an idle agent.
flood:   4 clients ask HEALTH back to back (after `retry_ms` when told ERR busy) for some seconds while a fifth PINGs
         every 20 ms: PING's latency is how long the poll thread was busy (PING is answered on it); with HEALTH's
         latency and the overruns added.
Each figure is printed per run; the caller takes min/median/max over runs. Prints JSON lines.
"""
import json, os, signal, subprocess, sys, tempfile, time
import zmq

LOOKOUT = sys.argv[1] if len(sys.argv) > 1 else ".build-ship/release/lookout"


def simulate(monitors):
    directory = tempfile.mkdtemp(prefix="lookout-scale-")
    simulator = subprocess.Popen([LOOKOUT, "simulate", "--dir", directory, "--monitors", str(monitors), "--fps", "10",
                                  "--restart-every", "0"], stdout=subprocess.DEVNULL)
    deadline = time.time() + 30
    while len([n for n in os.listdir(directory) if n.startswith("zm.mmap.")]) < monitors and time.time() < deadline:
        time.sleep(0.05)
    return directory, simulator


def start_agent(directory, tag, extra=""):
    pub, control = f"ipc://{directory}/{tag}.pub", f"ipc://{directory}/{tag}.ctl"
    config = f"{directory}/{tag}.toml"
    with open(config, "w") as f:
        # Its own zmlog socket: the default one in /run/lookout belongs to (and is locked by) the installed agent.
        f.write(f"[zoneminder]\nuse_database = false\n[log]\nsocket = \"{directory}/{tag}.log.sock\"\n"
                "[agent]\nfps_seconds = 10\n" + extra)
    started = time.monotonic()
    agent = subprocess.Popen([LOOKOUT, "run", "--config", config, "--map-dir", directory, "--zm-version", "1.36.33",
                              "--poll-hz", "10", "--pub", pub, "--control", control],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return agent, pub, control, started


def stop(process):
    process.send_signal(signal.SIGTERM)
    process.wait()


def snapshot_pages(ctx, control, first_page_at=None):
    """The whole snapshot page by page; returns (items, monotonic time of the first OK page)."""
    items, cursor, first = 0, None, None
    while True:
        req = ctx.socket(zmq.REQ)
        req.setsockopt(zmq.LINGER, 0)
        req.setsockopt(zmq.RECONNECT_IVL, 5)
        req.connect(control)
        req.send_multipart([b"SNAPSHOT", b""] + ([cursor.encode()] if cursor else []))
        if not req.poll(20000):
            raise SystemExit("no SNAPSHOT reply")
        reply = req.recv_multipart()
        req.close()
        page = json.loads(reply[1])
        if reply[0] != b"OK":
            if page.get("code") == "busy":
                time.sleep(page.get("retry_ms", 100) / 1000)
                continue
            raise SystemExit(f"snapshot failed: {reply[:2]}")
        first = first or time.monotonic()
        items += len(page["items"])
        cursor = page.get("next")
        if not cursor:
            return items, first


def startup(monitors):
    directory, simulator = simulate(monitors)
    ctx = zmq.Context()
    agent, _, control, started = start_agent(directory, "startup")
    items, first = snapshot_pages(ctx, control)
    whole = time.monotonic()
    stop(agent)
    stop(simulator)
    return {"mode": "startup", "monitors": monitors, "first_reply_s": round(first - started, 3),
            "whole_snapshot_s": round(whole - started, 3), "items": items}


def gaps(monitors, seconds, refresh):
    directory, simulator = simulate(monitors)
    agent, pub, control, _ = start_agent(directory, "gaps", f"refresh_seconds = {refresh}\n")
    ctx = zmq.Context()
    snapshot_pages(ctx, control)
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(pub)
    # The first heartbeat: the subscription is in place.
    while True:
        topic, _, _ = sub.recv_multipart()
        if topic == b"agent.heartbeat":
            break
    last, lost, received, refreshed = {}, 0, 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not sub.poll(100):
            continue
        topic, header, _ = sub.recv_multipart()
        header = json.loads(header)
        received += 1
        refreshed += 1 if header.get("refresh") else 0
        previous = last.get(topic)
        if previous is not None and header["seq"] != previous + 1:
            lost += header["seq"] - previous - 1
        last[topic] = header["seq"]
    stop(agent)
    stop(simulator)
    return {"mode": "gaps", "monitors": monitors, "seconds": seconds, "refresh_s": refresh, "received": received,
            "refreshed": refreshed, "lost": lost}


def on_cpu_ns(pid):
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except FileNotFoundError:
            pass
    return total


def on_cpu_ns_by_thread(pid):
    """On-CPU nanoseconds per thread name (the poll thread is the agent's main thread)."""
    totals = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as f:
                name = "poll" if task == str(pid) else f.read().strip()
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                totals[name] = totals.get(name, 0) + int(f.read().split()[0])
        except FileNotFoundError:
            pass
    return totals


def cpu(monitors, seconds, floor):
    directory, simulator = simulate(monitors)
    agent, _, control, _ = start_agent(directory, "cpu")
    snapshot_pages(zmq.Context(), control)
    # The steady state: after start-up, which ends when the agent gives its start-up pages back (10 s after ready,
    # agent.release_startup_pages; a one-off measured apart in docs/performance.md) and trims the first snapshot's cache.
    time.sleep(12)
    floor_process = subprocess.Popen([floor, directory, str(seconds + 2)], stdout=subprocess.PIPE)
    floor_process.stdout.readline()
    time.sleep(0.5)
    agent_start, floor_start, start = on_cpu_ns(agent.pid), on_cpu_ns(floor_process.pid), time.monotonic()
    time.sleep(seconds)
    agent_ns, floor_ns = on_cpu_ns(agent.pid) - agent_start, on_cpu_ns(floor_process.pid) - floor_start
    elapsed = time.monotonic() - start
    with open(f"/proc/{agent.pid}/status") as f:
        status = dict(line.split(":", 1) for line in f)
    floor_process.wait()
    stop(agent)
    stop(simulator)
    ticks = elapsed * 10
    return {"mode": "cpu", "monitors": monitors, "seconds": round(elapsed, 1),
            "agent_cpu_pct": round(100 * agent_ns / 1e9 / elapsed, 3), "floor_cpu_pct": round(100 * floor_ns / 1e9 / elapsed, 3),
            "agent_ns_per_monitor_tick": round(agent_ns / ticks / monitors), "floor_ns_per_monitor_tick": round(floor_ns / ticks / monitors),
            "rss_mib": round(int(status["VmRSS"].split()[0]) / 1024, 1), "peak_rss_mib": round(int(status["VmHWM"].split()[0]) / 1024, 1),
            # What the RSS is: the heap and stacks (anon), the executable and libraries (file), the segment headers (shmem).
            **{f"{key[3:].lower()}_mib": round(int(status[key].split()[0]) / 1024, 1) for key in ("RssAnon", "RssFile", "RssShmem")},
            "loadavg": open("/proc/loadavg").read().split()[:3]}


def burst(monitors, clients):
    import threading
    directory, simulator = simulate(monitors)
    agent, pub, control, _ = start_agent(directory, "burst", "heartbeat_seconds = 0.5\n")
    ctx = zmq.Context()
    snapshot_pages(ctx, control)
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b"agent.heartbeat")
    sub.connect(pub)
    sub.recv_multipart()
    beats, stop_beats = [], threading.Event()

    def watch():
        while not stop_beats.is_set():
            if sub.poll(100):
                sub.recv_multipart()
                beats.append(time.monotonic())
    watcher = threading.Thread(target=watch)
    watcher.start()
    time.sleep(1.5)
    times = [None] * clients

    def client(i):
        begun = time.monotonic()
        snapshot_pages(ctx, control)
        times[i] = time.monotonic() - begun
    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    finished = time.monotonic()
    time.sleep(1.5)
    stop_beats.set()
    watcher.join()
    req = ctx.socket(zmq.REQ)
    req.connect(control)
    req.send(b"HEALTH")
    health = json.loads(req.recv_multipart()[1])
    req.close()
    stop(agent)
    stop(simulator)
    during = [b for b in beats if started - 1 <= b <= finished + 1]
    worst = max((b - a for a, b in zip(during, during[1:])), default=None)
    return {"mode": "burst", "monitors": monitors, "clients": clients, "burst_s": round(finished - started, 3),
            "client_s_min": round(min(times), 3), "client_s_max": round(max(times), 3),
            "max_heartbeat_gap_s": round(worst, 3) if worst else None, "overruns": health.get("overruns"),
            "health_bytes": len(json.dumps(health))}


def health(monitors, requests=8):
    """HEALTH and HEALTH <id> latency on an idle agent: `requests` of each a quarter second apart; the poll's own
    duration (`last_poll_us`) beside them."""
    directory, simulator = simulate(monitors)
    agent, _, control, _ = start_agent(directory, "health")
    ctx = zmq.Context()
    snapshot_pages(ctx, control)
    time.sleep(1)
    req = ctx.socket(zmq.REQ)
    req.connect(control)
    results = {}
    for name, frames in (("health", [b"HEALTH"]), ("health_id", [b"HEALTH", str(monitors // 2).encode()])):
        times, sizes = [], []
        for _ in range(requests):
            begun = time.monotonic()
            req.send_multipart(frames)
            status, body = req.recv_multipart()
            times.append(time.monotonic() - begun)
            sizes.append(len(body))
            if status != b"OK":
                raise SystemExit(f"{frames}: {body[:200]}")
            time.sleep(0.25)
        times.sort()
        results[name + "_ms"] = [round(1000 * times[0], 2), round(1000 * times[len(times) // 2], 2), round(1000 * times[-1], 2)]
        results[name + "_bytes"] = sizes[-1]
    req.send(b"HEALTH")
    last = json.loads(req.recv_multipart()[1])
    stop(agent)
    stop(simulator)
    return {"mode": "health", "monitors": monitors, **results, "last_poll_us": last.get("last_poll_us"),
            "overruns": last.get("overruns"), "loadavg": open("/proc/loadavg").read().split()[:3]}


def flood(monitors, seconds, clients=4):
    directory, simulator = simulate(monitors)
    agent, _, control, _ = start_agent(directory, "flood")
    ctx = zmq.Context()
    snapshot_pages(ctx, control)
    time.sleep(1)
    req = ctx.socket(zmq.REQ)
    req.connect(control)
    req.send(b"HEALTH")
    before = json.loads(req.recv_multipart()[1])
    dealers, asked = [], {}
    poller = zmq.Poller()
    for _ in range(clients):
        dealer = ctx.socket(zmq.DEALER)
        dealer.connect(control)
        dealer.send_multipart([b"", b"HEALTH"])
        asked[dealer] = time.monotonic()
        poller.register(dealer, zmq.POLLIN)
        dealers.append(dealer)
    threads_before = on_cpu_ns_by_thread(agent.pid)
    pinger = ctx.socket(zmq.DEALER)
    pinger.connect(control)
    poller.register(pinger, zmq.POLLIN)
    pings, healths, busy, retry = [], [], 0, {}
    ping_at, next_ping = None, time.monotonic()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        now = time.monotonic()
        if ping_at is None and now >= next_ping:
            pinger.send_multipart([b"", b"PING"])
            ping_at = now
        for socket, _ in poller.poll(5):
            frames = socket.recv_multipart()
            got = time.monotonic()
            if socket is pinger:
                pings.append(got - ping_at)
                ping_at, next_ping = None, got + 0.02
            elif frames[1] == b"OK":
                healths.append(got - asked[socket])
                socket.send_multipart([b"", b"HEALTH"])
                asked[socket] = time.monotonic()
            else:  # ERR busy: asks again after retry_ms, as a client should
                busy += 1
                retry[socket] = got + json.loads(frames[2]).get("retry_ms", 100) / 1000
        for socket, at in list(retry.items()):
            if time.monotonic() >= at:
                del retry[socket]
                socket.send_multipart([b"", b"HEALTH"])
                asked[socket] = time.monotonic()
    threads = on_cpu_ns_by_thread(agent.pid)
    time.sleep(0.5)
    req.send(b"HEALTH")
    after = json.loads(req.recv_multipart()[1])
    stop(agent)
    stop(simulator)
    pings.sort()
    healths.sort()
    ms = lambda values, q: round(1000 * values[min(len(values) - 1, int(q * len(values)))], 2) if values else None
    return {"mode": "flood", "monitors": monitors, "seconds": seconds, "pings": len(pings),
            "ping_ms": [ms(pings, 0), ms(pings, 0.5), ms(pings, 0.99), ms(pings, 1)],
            "health_replies": len(healths), "health_busy": busy,
            "health_ms": [ms(healths, 0), ms(healths, 0.5), ms(healths, 1)],
            "overruns": after.get("overruns", 0) - before.get("overruns", 0),
            "cpu_ms_by_thread": {name: round((ns - threads_before.get(name, 0)) / 1e6)
                                 for name, ns in threads.items() if ns - threads_before.get(name, 0) > 5e6},
            "loadavg": open("/proc/loadavg").read().split()[:3]}


if __name__ == "__main__":
    mode = sys.argv[2]
    if mode == "startup":
        for monitors in map(int, sys.argv[3].split(",")):
            print(json.dumps(startup(monitors)), flush=True)
    elif mode == "cpu":
        floor = os.environ.get("PACED_FLOOR", "/tmp/paced_floor")
        for monitors in map(int, sys.argv[3].split(",")):
            print(json.dumps(cpu(monitors, float(sys.argv[4]), floor)), flush=True)
    elif mode == "health":
        for monitors in map(int, sys.argv[3].split(",")):
            print(json.dumps(health(monitors)), flush=True)
    elif mode == "flood":
        print(json.dumps(flood(int(sys.argv[3]), float(sys.argv[4]) if len(sys.argv) > 4 else 10)), flush=True)
    elif mode == "burst":
        print(json.dumps(burst(int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 16)), flush=True)
    elif mode == "gaps":
        monitors, seconds, refresh = int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
        print(json.dumps(gaps(monitors, seconds, refresh)), flush=True)
