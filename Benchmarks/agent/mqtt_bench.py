#!/usr/bin/python3
"""MQTT bridge benchmark (release build; Debian's /usr/bin/python3 for paho-mqtt and pyzmq), run by
scripts/mqtt-bench.sh; prints Markdown rows.

latency: one agent with the bridge on, to a Mosquitto broker on loopback started here. This script writes an alarm
         (state IDLE -> ALARM and back) into a ZoneMinder 1.36 segment it owns and measures, with one clock, until a
         pyzmq subscriber (the bus) and a paho-mqtt subscriber (lookout/<node>/monitor/1/state) each receive it: both
         paths in the same samples, so the ratio MQTT / bus is measured on the same alarms.
rss:     agent (`--demo`, 3 monitors) resident memory after a settle time, the bridge off and on (connected).
"""
import json, os, queue, random, signal, socket, statistics, struct, subprocess, sys, tempfile, time
import paho.mqtt.client as mqtt
import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import agent_bench  # noqa: E402  (make_segment, the 1.36 layout)

LOOKOUT = sys.argv[1]
IDLE, ALARM = 1, 3


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_broker(directory):
    port = free_port()
    with open(f"{directory}/mosquitto.conf", "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    broker = subprocess.Popen(["/usr/sbin/mosquitto", "-c", f"{directory}/mosquitto.conf"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            return broker, port
        except OSError:
            time.sleep(0.05)
    raise SystemExit("mosquitto did not start")


def start_agent(directory, tag, extra_toml, arguments, env=None, zoneminder=""):
    pub, control = f"ipc://{directory}/{tag}.pub", f"ipc://{directory}/{tag}.ctl"
    config = f"{directory}/{tag}.toml"
    with open(config, "w") as f:
        f.write(f"[zoneminder]\nuse_database = false\n{zoneminder}[log]\nsocket = \"{directory}/{tag}.log.sock\"\n" + extra_toml)
    agent = subprocess.Popen([LOOKOUT, "run", "--config", config, "--pub", pub, "--control", control] + arguments,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    req = zmq.Context.instance().socket(zmq.REQ)
    req.setsockopt(zmq.LINGER, 0)
    req.connect(control)
    req.send(b"PING")
    if not req.poll(10000):
        agent.kill()
        raise SystemExit("agent did not answer PING")
    req.recv_multipart()
    return agent, pub, req


def health(req):
    req.send(b"HEALTH")
    return json.loads(req.recv_multipart()[1])


def percentile(values, fraction):
    values = sorted(values)
    return values[max(0, int(len(values) * fraction) - 1)]


def latency(samples, port):
    directory = tempfile.mkdtemp(prefix="lookout-mqtt-bench-")
    segment = agent_bench.make_segment(f"{directory}/zm.mmap.1")
    agent, pub, req = start_agent(directory, "lat", f"[mqtt]\nurl = \"mqtt://127.0.0.1:{port}\"\nnode = \"bench\"\n",
                                  ["--map-dir", directory, "--zm-version", "1.36.33", "--poll-hz", "10"])
    sub = zmq.Context.instance().socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b"zm.monitor.1.state")
    sub.connect(pub)
    arrivals = queue.Queue()
    client = mqtt.Client(client_id="bench-sub", clean_session=True)
    client.on_message = lambda c, u, m: arrivals.put((time.perf_counter(), json.loads(m.payload).get("raw"), m.retain))
    client.connect("127.0.0.1", port)
    client.subscribe("lookout/bench/monitor/1/state", qos=1)
    client.loop_start()
    deadline = time.time() + 20
    while not health(req).get("mqtt", {}).get("connected") and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # the bus subscription and the retained burst settle before the first change
    while not arrivals.empty():
        arrivals.get()
    bus_ms, mqtt_ms = [], []
    state = IDLE
    for _ in range(samples + 5):
        time.sleep(random.uniform(0.15, 0.35))  # random phase against the 10 Hz poll tick
        while sub.poll(0):
            sub.recv_multipart()
        state = ALARM if state == IDLE else IDLE
        struct.pack_into("<q", segment, agent_bench.HEARTBEAT, int(time.time()))
        written = time.perf_counter()
        struct.pack_into("<I", segment, agent_bench.STATE, state)
        while True:
            if not sub.poll(2000):
                raise SystemExit("no bus message within 2 s")
            _, _, body = sub.recv_multipart()
            if json.loads(body).get("raw") == state:
                bus_ms.append((time.perf_counter() - written) * 1000)
                break
        while True:
            arrived, raw, _ = arrivals.get(timeout=5)
            if raw == state:
                mqtt_ms.append((arrived - written) * 1000)
                break
    client.loop_stop()
    agent.send_signal(signal.SIGTERM)
    agent.wait()
    bus_ms, mqtt_ms = bus_ms[5:], mqtt_ms[5:]
    return {"bus_p50": statistics.median(bus_ms), "bus_p99": percentile(bus_ms, 0.99),
            "mqtt_p50": statistics.median(mqtt_ms), "mqtt_p99": percentile(mqtt_ms, 0.99),
            "extra_p50": statistics.median([m - b for m, b in zip(mqtt_ms, bus_ms)])}


def rss(port, bridge, settle, preload=False, monitors=3):
    """preload: the bridge off, libmosquitto preloaded: what linking it (instead of dlopen) would cost every agent."""
    directory = tempfile.mkdtemp(prefix="lookout-mqtt-rss-")
    extra = f"[demo]\nmonitors = {monitors}\n"
    # No zm.conf: the logger does not load MariaDB Connector/C, which brings libssl and libcrypto by itself.
    zoneminder = "config_dir = \"/nonexistent\"\n" if os.environ.get("RSS_NO_DATABASE") == "1" else ""
    extra += f"[mqtt]\nurl = \"mqtt://127.0.0.1:{port}\"\nnode = \"rss\"\ndiscovery = true\n" if bridge else ""
    env = dict(os.environ, LD_PRELOAD="libmosquitto.so.1") if preload else None
    agent, _, req = start_agent(directory, "rss", extra, ["--demo"], env, zoneminder)
    time.sleep(settle)
    h = health(req)
    with open(f"/proc/{agent.pid}/status") as f:
        status = dict(line.split(":", 1) for line in f if ":" in line)
    with open(f"/proc/{agent.pid}/maps") as f:
        maps = f.read()
    agent.send_signal(signal.SIGTERM)
    agent.wait()
    kib = lambda key: int(status[key].split()[0])
    return {"rss": kib("VmRSS"), "anon": kib("RssAnon"), "file": kib("RssFile"),
            "libssl": "libssl" in maps, "libmosquitto": "libmosquitto" in maps,
            "connected": (h.get("mqtt") or {}).get("connected")}


def main():
    samples = int(os.environ.get("LATENCY_SAMPLES", "200"))
    if samples == 0:  # RSS only
        samples = None
    monitors = int(os.environ.get("RSS_MONITORS", "3"))
    runs = int(os.environ.get("RUNS", "3"))
    settle = float(os.environ.get("RSS_SETTLE", "10"))
    directory = tempfile.mkdtemp(prefix="lookout-mqtt-broker-")
    broker, port = start_broker(directory)
    try:
        lat, off, on, linked = [], [], [], []
        for run in range(runs):
            load = open("/proc/loadavg").read().split()[:3]
            if samples:
                lat.append(latency(samples, port))
            off.append(rss(port, False, settle, monitors=monitors))
            on.append(rss(port, True, settle, monitors=monitors))
            linked.append(rss(port, False, settle, preload=True, monitors=monitors))
            latency_text = json.dumps({k: round(v, 2) for k, v in lat[-1].items()}) if samples else "-"
            print(f"run {run + 1}: load {' '.join(load)}; latency {latency_text}; "
                  f"rss off {off[-1]}; rss on {on[-1]}; rss off, libmosquitto preloaded {linked[-1]}", flush=True)

        def spread(values):
            values = sorted(values)
            return f"{values[0]:.2f} / {statistics.median(values):.2f} / {values[-1]:.2f}"

        print(f"\n{samples} alarms per run, {runs} runs (min / median / max of the runs)\n")
        if samples:
            print("| path | p50 ms | p99 ms |")
            print("|---|---|---|")
            print(f"| ZeroMQ bus (pyzmq SUB) | {spread([r['bus_p50'] for r in lat])} | {spread([r['bus_p99'] for r in lat])} |")
            print(f"| MQTT (agent → mosquitto → paho) | {spread([r['mqtt_p50'] for r in lat])} | {spread([r['mqtt_p99'] for r in lat])} |")
            print(f"| MQTT − bus, same alarm | {spread([r['extra_p50'] for r in lat])} (p50) | |")
            print(f"| ratio MQTT / bus p50 | {spread([r['mqtt_p50'] / r['bus_p50'] for r in lat])} | |")
        print(f"\n| agent --demo, {monitors} monitors | VmRSS KiB | RssAnon | RssFile | libssl mapped |")
        print("|---|---|---|---|---|")
        for name, rows in (("bridge off (libmosquitto not loaded)", off), ("bridge on, connected", on),
                           ("bridge off, libmosquitto preloaded (as if linked)", linked)):
            print(f"| {name} | {spread([r['rss'] for r in rows])} | {spread([r['anon'] for r in rows])} | "
                  f"{spread([r['file'] for r in rows])} | {rows[0]['libssl']} |")
        print(f"| linked − off (medians) | {statistics.median([r['rss'] for r in linked]) - statistics.median([r['rss'] for r in off]):.0f} | | | |")
        print(f"| on − off (medians) | {statistics.median([r['rss'] for r in on]) - statistics.median([r['rss'] for r in off]):.0f} | | | |")
    finally:
        broker.kill()
        broker.wait()


if __name__ == "__main__":
    main()
