#!/usr/bin/env python3
"""/metrics of `lookout serve` for 256 monitors: wrk requests/s and latency, the agent's CPU and RSS with and without
a scrape every second, and the RSS of `lookout serve` (figures in docs/performance.md, "HTTP probes").

Usage: scripts/http-bench.py [BUILD_DIR]   (default .build-ship/release: scripts/build-release.sh)
`lookout simulate` writes 256 monitors at 10 fps in another process; the agent polls them at 10 Hz without a database.
"""
import os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.request

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build-ship/release"
LOOKOUT = os.path.join(BIN, "lookout")
MONITORS, WINDOW = 256, 20


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ticks(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_kib(pid):
    return int(re.search(r"VmRSS:\s+(\d+)", open(f"/proc/{pid}/status").read()).group(1))


def agent_pid(parent):
    # `lookout run` execs lookout-agent in place: same pid.
    return parent.pid


def window(pid, seconds, during=None):
    start, t0 = ticks(pid), time.monotonic()
    end = t0 + seconds
    while time.monotonic() < end:
        if during:
            during()
        time.sleep(max(0, min(1, end - time.monotonic())))
    cpu = (ticks(pid) - start) / os.sysconf("SC_CLK_TCK") / (time.monotonic() - t0) * 100
    return cpu, rss_kib(pid) / 1024


def main():
    directory = tempfile.mkdtemp(prefix="lookout-http-bench-")
    sim = subprocess.Popen([LOOKOUT, "simulate", "--dir", directory, "--monitors", str(MONITORS), "--fps", "10",
                            "--restart-every", "0"], stdout=subprocess.DEVNULL)
    while len([n for n in os.listdir(directory) if n.startswith("zm.mmap.")]) < MONITORS:
        time.sleep(0.05)
    config = os.path.join(directory, "lookout.toml")
    with open(config, "w") as f:
        f.write(f'[zoneminder]\nuse_database = false\n[log]\nsocket = ""\n')
    control = f"ipc://{directory}/control"
    agent = subprocess.Popen([LOOKOUT, "run", "--config", config, "--map-dir", directory, "--zm-version", "1.36.33",
                              "--pub", f"ipc://{directory}/pub", "--control", control],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    serve = subprocess.Popen([LOOKOUT, "serve", "--config", config, "--listen", f"127.0.0.1:{port}", "--control", control],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        for _ in range(200):
            try:
                body = urllib.request.urlopen(url, timeout=2).read()
                if b"lookout_up 1" in body:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        lines = body.count(b"\n")
        print(f"/metrics for {MONITORS} monitors: {len(body)} bytes, {lines} lines")
        time.sleep(3)
        cpu, rss = window(agent.pid, WINDOW)
        print(f"agent, not scraped:      CPU {cpu:.2f} %  RSS {rss:.1f} MiB")
        cpu, rss = window(agent.pid, WINDOW, during=lambda: urllib.request.urlopen(url, timeout=5).read())
        print(f"agent, scraped every 1 s: CPU {cpu:.2f} %  RSS {rss:.1f} MiB")
        print(f"lookout serve RSS after the scrapes: {rss_kib(serve.pid) / 1024:.1f} MiB")
        if shutil.which("wrk"):
            for connections in (1, 4):
                out = subprocess.run(["wrk", "-t1", f"-c{connections}", "-d10s", "--latency", url],
                                     capture_output=True, text=True).stdout
                rps = re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)
                p50 = re.search(r"50%\s+(\S+)", out).group(1)
                p99 = re.search(r"99%\s+(\S+)", out).group(1)
                print(f"wrk -c{connections} 10 s: {rps} requests/s, p50 {p50}, p99 {p99}")
            print(f"lookout serve RSS after wrk: {rss_kib(serve.pid) / 1024:.1f} MiB; agent RSS {rss_kib(agent.pid) / 1024:.1f} MiB")
    finally:
        for process in (serve, agent, sim):
            process.terminate()
            process.wait()
        shutil.rmtree(directory, ignore_errors=True)


main()
