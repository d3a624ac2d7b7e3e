#!/usr/bin/env python3
"""Agent benchmark (release build): run by scripts/agent-bench.sh, prints a Markdown table.

latency: this script writes a state change into a ZoneMinder 1.36 segment it owns and measures, with one clock,
         how long until a pyzmq subscriber (this process) receives the agent's zm.monitor.1.state message.
cpu:     `lookout simulate` writes N monitors at 10 fps in another process; the agent polls them at 10 Hz;
         CPU = (utime+stime) of the agent over a window / window length, and the same from each thread's
         schedstat (ns); RSS from /proc/<pid>/status. `lookout run` execs lookout-agent (same pid), so the figures
         are those of the process that ships as the daemon.
"""
import json, mmap, os, random, signal, statistics, struct, subprocess, sys, tempfile, time
import zmq

LOOKOUT = sys.argv[1] if len(sys.argv) > 1 else ".build/release/lookout"
CLK_TCK = os.sysconf("SC_CLK_TCK")
# ZoneMinder 1.36.0-.33 layout (docs/zm-shm-reader.md): SharedData 760 bytes, then TriggerData 560.
SIZE, STATE, LAST_EVENT, VALID, SIGNAL, IMAGESIZE, HEARTBEAT, LAST_WRITE = 0, 12, 32, 68, 70, 72, 96, 104
IDLE, PREALARM = 1, 2
IMAGE, SLOTS = 64 * 48 * 3, 3
FILE_SIZE = 760 + 560 + 4128 + 64 + 16 * SLOTS + SLOTS * IMAGE


def make_segment(path):
    with open(path, "wb") as f:
        f.truncate(FILE_SIZE)
    fd = os.open(path, os.O_RDWR)
    m = mmap.mmap(fd, FILE_SIZE)
    os.close(fd)
    struct.pack_into("<I", m, 760, 560)
    struct.pack_into("<I", m, IMAGESIZE, IMAGE)
    struct.pack_into("<BxB", m, VALID, 1, 1)
    struct.pack_into("<I", m, STATE, IDLE)
    struct.pack_into("<q", m, HEARTBEAT, int(time.time()))
    struct.pack_into("<I", m, SIZE, 760)
    return m


def start_agent(directory, hz, tag):
    pub, control = f"ipc://{directory}/{tag}.pub", f"ipc://{directory}/{tag}.ctl"
    config = f"{directory}/{tag}.toml"
    with open(config, "w") as f:
        # Its own zmlog socket: the default one in /run/lookout belongs to (and is locked by) the installed agent.
        f.write(f"[zoneminder]\nuse_database = false\n[log]\nsocket = \"{directory}/{tag}.log.sock\"\n[agent]\nfps_seconds = 10\n")
    agent = subprocess.Popen([LOOKOUT, "run", "--config", config, "--map-dir", directory, "--zm-version", "1.36.33",
                              "--poll-hz", str(hz), "--pub", pub, "--control", control],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctx = zmq.Context.instance()
    req = ctx.socket(zmq.REQ)
    req.setsockopt(zmq.LINGER, 0)
    req.connect(control)
    req.send(b"PING")
    if not req.poll(10000):
        agent.kill()
        raise SystemExit("agent did not answer PING")
    req.recv_multipart()
    req.close()
    return agent, pub


def latency(hz, samples):
    directory = tempfile.mkdtemp(prefix="lookout-bench-")
    segment = make_segment(f"{directory}/zm.mmap.1")
    agent, pub = start_agent(directory, hz, f"lat{hz}")
    sub = zmq.Context.instance().socket(zmq.SUB)
    sub.setsockopt(zmq.SUBSCRIBE, b"zm.monitor.1.state")
    sub.connect(pub)
    time.sleep(0.5)  # let the subscription reach the agent before the first change
    results = []
    state = IDLE
    for _ in range(samples + 5):
        time.sleep(random.uniform(1.5, 3.5) / hz)  # random phase against the poll tick
        while sub.poll(0):
            sub.recv_multipart()
        state = PREALARM if state == IDLE else IDLE
        struct.pack_into("<q", segment, HEARTBEAT, int(time.time()))
        written = time.perf_counter()
        struct.pack_into("<I", segment, STATE, state)
        while True:
            if not sub.poll(2000):
                raise SystemExit("no state message within 2 s")
            topic, header, body = sub.recv_multipart()
            if json.loads(body).get("raw") == state:
                results.append((time.perf_counter() - written) * 1000)
                break
    agent.send_signal(signal.SIGTERM)
    agent.wait()
    results = sorted(results[5:])
    return statistics.median(results), results[int(len(results) * 0.99) - 1], results[-1]


def cpu_rss(monitors, seconds):
    directory = tempfile.mkdtemp(prefix="lookout-bench-")
    simulator = subprocess.Popen([LOOKOUT, "simulate", "--dir", directory, "--monitors", str(monitors), "--fps", "10",
                                  "--restart-every", "0"], stdout=subprocess.DEVNULL)
    deadline = time.time() + 10
    while len([n for n in os.listdir(directory) if n.startswith("zm.mmap.")]) < monitors and time.time() < deadline:
        time.sleep(0.05)
    agent, pub = start_agent(directory, 10, f"cpu{monitors}")
    time.sleep(3)

    def ticks():
        with open(f"/proc/{agent.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def on_cpu_ns():
        # Nanosecond run time per thread (schedstat); utime+stime above counts in 10 ms ticks.
        total = 0
        for task in os.listdir(f"/proc/{agent.pid}/task"):
            try:
                with open(f"/proc/{agent.pid}/task/{task}/schedstat") as f:
                    total += int(f.read().split()[0])
            except FileNotFoundError:
                pass
        return total

    start_ticks, start_ns, start = ticks(), on_cpu_ns(), time.monotonic()
    time.sleep(seconds)
    used = (ticks() - start_ticks) / CLK_TCK
    used_ns = on_cpu_ns() - start_ns
    elapsed = time.monotonic() - start
    with open(f"/proc/{agent.pid}/status") as f:
        status = dict(line.split(":", 1) for line in f)
    rss = int(status["VmRSS"].split()[0]) / 1024
    hwm = int(status["VmHWM"].split()[0]) / 1024
    agent.send_signal(signal.SIGTERM)
    agent.wait()
    simulator.send_signal(signal.SIGTERM)
    simulator.wait()
    return 100 * used / elapsed, 100 * used_ns / 1e9 / elapsed, rss, hwm


def main():
    samples = int(os.environ.get("LATENCY_SAMPLES", "200"))
    window = float(os.environ.get("CPU_SECONDS", "30"))
    print("## Agent latency: state written into a segment → pyzmq subscriber\n")
    print("| poll rate | samples | p50 ms | p99 ms | max ms | target p99 |")
    print("|---|---|---|---|---|---|")
    for hz in (10, 50):
        p50, p99, worst = latency(hz, samples)
        print(f"| {hz} Hz | {samples} | {p50:.1f} | {p99:.1f} | {worst:.1f} | ≤ {1000 / hz + 2:.0f} ms |", flush=True)
    print(f"\n## Agent CPU and memory at 10 Hz ({window:.0f} s window, simulator in another process)\n")
    print("| monitors | CPU % of one core (ticks) | CPU % (schedstat) | RSS MiB | peak RSS MiB | targets |")
    print("|---|---|---|---|---|---|")
    for monitors in (64, 256):
        cpu, cpu_ns, rss, hwm = cpu_rss(monitors, window)
        print(f"| {monitors} | {cpu:.2f} | {cpu_ns:.2f} | {rss:.1f} | {hwm:.1f} | {'≤ 0.5 %, ' if monitors == 256 else ''}≤ 16 MiB |", flush=True)


if __name__ == "__main__":
    main()
