#!/usr/bin/env python3
"""The agent's CPU and RSS with 16 TS channels at 30 fps (no relay) and 256 simulated monitors beside them
(docs/performance.md, "TS frame buffers"). Release build; CPU from /proc/<pid>/stat over SECONDS, after a warm-up.

Usage: channels_cpu.py LOOKOUT [SECONDS] [CHANNELS] [MONITORS]
"""
import json, os, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(__file__))
from relay_bench import cpu_seconds, rss_kib  # noqa: E402


def main():
    lookout = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 30
    channels = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    monitors = int(sys.argv[4]) if len(sys.argv) > 4 else 256
    with tempfile.TemporaryDirectory(prefix="lookout-chan-", dir="/dev/shm") as directory:
        zm, ts = f"{directory}/zm", f"{directory}/ts"
        os.mkdir(zm); os.mkdir(ts)
        children = [subprocess.Popen([lookout, "simulate", "--dir", zm, "--monitors", str(monitors)], stdout=subprocess.DEVNULL)]
        for n in range(1, channels + 1):
            children.append(subprocess.Popen([lookout, "sfb-produce", "--channel", str(n), "--dir", ts, "--size", "320x240",
                                              "--format", "I420", "--fps", "30"], stdout=subprocess.DEVNULL))
        config = f"{directory}/lookout.toml"
        with open(config, "w") as f:
            f.write(f'[zoneminder]\nuse_database = false\nversion = "1.36.33"\n[ts]\ndir = "{ts}"\n[log]\nsocket = ""\n')
        agent = subprocess.Popen([lookout, "run", "--config", config, "--map-dir", zm, "--pub", f"ipc://{directory}/pub",
                                  "--control", f"ipc://{directory}/control"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(5)
        load = open("/proc/loadavg").read().split()[:3]
        before, t0 = cpu_seconds(agent.pid), time.time()
        time.sleep(seconds)
        cpu = 100 * (cpu_seconds(agent.pid) - before) / (time.time() - t0)
        rss = rss_kib(agent.pid)
        agent.terminate(); agent.wait()
        for child in children:
            child.terminate()
        for child in children:
            child.wait()
        print(json.dumps({"channels": channels, "channel_fps": 30, "monitors": monitors, "seconds": seconds,
                          "agent_cpu_percent_of_a_core": round(cpu, 2), "agent_rss_mib": round(rss / 1024, 1), "load_average": load}))


if __name__ == "__main__":
    main()
