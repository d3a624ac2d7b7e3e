#!/usr/bin/env python3
"""Frame relay benchmark (docs/performance.md, "TS frame buffers"), release build, one run of each, same window:

1. memcpy of one 1080p I420 frame (3 110 400 bytes): a slice assignment between two bytearrays, which CPython does
   with one memcpy; the floor of any copy;
2. bare libzmq PUSH→PULL over ipc of the same bytes, zero-copy send (zmq_msg_init_data), the receiver in another
   process: the transport's own limit (the issue's reference); and bare XPUB→SUB of the relay's four parts (topic,
   header, body, pixels), the pattern the agent's bus uses, the same receiver;
3. the agent's relay: `lookout sfb-produce --repeat-frame --fps 2000` (1080p I420; each slot written once, then
   re-published as a producer decoding in place would, so the producer neither limits the relay nor takes a core
   from it), the agent relaying channel 1 at up to 10 000 fps (every frame; its waiter thread wakes the loop per frame,
   no poll_hz needed) with the default 64 MiB in flight, a SUB in another process counting ts.channel.1.frame messages
   and bytes.

Usage: relay_bench.py LOOKOUT [SECONDS]
"""
import json, os, subprocess, sys, tempfile, time
import zmq

FRAME = 1920 * 1080 * 3 // 2


def sink(endpoint, kind, seconds, topic=None):
    """A receiver process: counts messages and bytes of the last frame part for `seconds` after the first."""
    code = f"""
import json, time, zmq
ctx = zmq.Context()
s = ctx.socket(zmq.{kind})
s.setsockopt(zmq.RCVHWM, 100)
s.connect({endpoint!r})
{"s.setsockopt(zmq.SUBSCRIBE, " + repr(topic) + ".encode())" if topic else ""}
n = nbytes = 0
first = None
cpu0 = 0.0
while True:
    if not s.poll(20000):
        break
    parts = s.recv_multipart(copy=False)
    now = time.time()
    if first is None:
        first = now
        cpu0 = time.process_time()
        continue
    n += 1
    nbytes += len(parts[-1].buffer)
    if now - first >= {seconds}:
        break
elapsed = time.time() - first if first else 0
print(json.dumps({{"frames": n, "bytes": nbytes, "seconds": elapsed, "cpu_seconds": time.process_time() - cpu0}}))
"""
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


def rates(result):
    s = result["seconds"] or 1
    frames = result["frames"] or 1
    return {"frames_per_s": round(result["frames"] / s, 1), "gb_per_s": round(result["bytes"] / s / 1e9, 3),
            "receiver_cpu_ms_per_frame": round(1000 * result["cpu_seconds"] / frames, 3)}


def memcpy_rate(seconds=2.0):
    src = memoryview(bytearray(os.urandom(FRAME)))
    dst = memoryview(bytearray(FRAME))
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        dst[:] = src
        n += 1
    elapsed = time.perf_counter() - start
    return {"frames_per_s": round(n / elapsed, 1), "gb_per_s": round(n * FRAME / elapsed / 1e9, 3)}


def bare_push(directory, seconds, pattern="PUSH"):
    """PUSH→PULL of the frame alone, or (pattern "XPUB") XPUB→SUB of the relay's four parts: the same topic, a
    header and a body of about the agent's sizes, then the pixels. XPUB_NODROP: at the high-water mark the sender
    waits (as PUSH does) instead of dropping and spinning on a core the receiver needs."""
    endpoint = f"ipc://{directory}/{pattern.lower()}"
    ctx = zmq.Context()
    sender = ctx.socket(getattr(zmq, pattern))
    sender.setsockopt(zmq.SNDHWM, 100)
    if pattern == "XPUB":
        sender.setsockopt(zmq.XPUB_NODROP, 1)
    sender.bind(endpoint)
    topic = "ts.channel.1.frame"
    receiver = sink(endpoint, "SUB" if pattern == "XPUB" else "PULL", seconds, topic=topic if pattern == "XPUB" else None)
    if pattern == "XPUB":
        sender.recv()  # the subscription: nothing is sent before it arrives
    head = [topic.encode(), b"h" * 60, b"b" * 250] if pattern == "XPUB" else []
    frame = os.urandom(FRAME)
    deadline = time.time() + seconds + 30
    cpu0 = time.process_time()  # this process and its libzmq I/O thread: the sender's side
    while receiver.poll() is None and time.time() < deadline:
        try:
            for part in head:
                sender.send(part, flags=zmq.NOBLOCK | zmq.SNDMORE)
            sender.send(frame, copy=False, flags=zmq.NOBLOCK)
        except zmq.Again:
            sender.poll(100, zmq.POLLOUT)
    out = receiver.communicate()[0]
    cpu = time.process_time() - cpu0
    sender.close(linger=0)
    ctx.term()
    result = rates(json.loads(out))
    frames = json.loads(out)["frames"]
    result["sender_cpu_ms_per_frame"] = round(1000 * cpu / frames, 3) if frames else None
    return result


def agent_relay(lookout, directory, seconds):
    config = f"{directory}/lookout.toml"
    with open(config, "w") as f:
        bus = f"[bus]\nsend_hwm = {os.environ['RELAY_SEND_HWM']}\n" if os.environ.get("RELAY_SEND_HWM") else ""
        f.write(bus + f"""[ts]
dir = "{directory}"
[[ts.channel]]
data = "sfb_data_ch1"
event = "sfb_event_ch1"
relay_fps = 10000
[relay]
max_bytes_in_flight = {os.environ.get("RELAY_MAX_BYTES", "67108864")}
[log]
socket = ""
""")
    pub, control = f"ipc://{directory}/pub", f"ipc://{directory}/control"
    producer = subprocess.Popen([lookout, "sfb-produce", "--channel", "1", "--dir", directory, "--size", "1920x1080",
                                 "--format", "I420", "--fps", "2000", "--slots", "4", "--repeat-frame"], stdout=subprocess.DEVNULL)
    agent = subprocess.Popen([lookout, "run", "--config", config, "--pub", pub, "--control", control],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2)
        receiver = sink(pub, "SUB", seconds, topic="ts.channel.1.frame")
        seq_before = read_write_seq(f"{directory}/sfb_data_ch1")
        t0 = time.time()
        cpu_before = cpu_seconds(agent.pid)
        out = receiver.communicate()[0]
        cpu_after = cpu_seconds(agent.pid)
        produced = (read_write_seq(f"{directory}/sfb_data_ch1") - seq_before) / (time.time() - t0)
        rss = rss_kib(agent.pid)
    finally:
        agent.terminate(); producer.terminate()
        agent.wait(); producer.wait()
    result = rates(json.loads(out))
    frames = json.loads(out)["frames"]
    result.update({"producer_fps": round(produced, 1), "agent_cpu_percent": round(100 * (cpu_after - cpu_before) / (time.time() - t0), 1),
                   "agent_cpu_ms_per_frame": round(1000 * (cpu_after - cpu_before) / frames, 3) if frames else None,
                   "agent_rss_mib": round(rss / 1024, 1)})
    return result


def cpu_times():
    """The machine's CPU time split (/proc/stat's first line): jiffies busy, idle and stolen by the hypervisor."""
    fields = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    idle, steal = fields[3] + fields[4], fields[7]
    return {"busy": sum(fields) - idle - steal, "idle": idle, "steal": steal}


def machine_share(before, after):
    """Percent of the machine's CPU time that was busy, idle, stolen between two `cpu_times()`."""
    total = sum(after[k] - before[k] for k in before) or 1
    return {k + "_percent": round(100 * (after[k] - before[k]) / total, 1) for k in before}


def read_write_seq(path):
    with open(path, "rb") as f:
        f.seek(72)
        return int.from_bytes(f.read(8), "little")


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    lookout = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory(prefix="lookout-relay-", dir="/dev/shm") as directory:
        load = open("/proc/loadavg").read().split()[:3]
        memcpy = memcpy_rate()
        t0 = cpu_times()
        bare = bare_push(directory, seconds)
        t1 = cpu_times()
        bare_xpub = bare_push(directory, seconds, pattern="XPUB")
        t2 = cpu_times()
        relay = agent_relay(lookout, directory, seconds)
        t3 = cpu_times()
        bare["machine"], bare_xpub["machine"], relay["machine"] = machine_share(t0, t1), machine_share(t1, t2), machine_share(t2, t3)
        print(json.dumps({
            "frame_bytes": FRAME, "load_average": load, "memcpy": memcpy, "bare_push_pull": bare, "relay": relay,
            "bare_xpub_sub": bare_xpub,
            "relay_vs_bare": round(relay["gb_per_s"] / bare["gb_per_s"], 3) if bare["gb_per_s"] else None,
            "relay_vs_bare_xpub_sub": round(relay["gb_per_s"] / bare_xpub["gb_per_s"], 3) if bare_xpub["gb_per_s"] else None,
        }, indent=1))


if __name__ == "__main__":
    main()
