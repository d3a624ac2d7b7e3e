#!/usr/bin/env python3
"""The agent's CPU per relayed frame at a steady rate (docs/performance.md, "Relay throughput"): a 1080p I420
channel produced at FPS, relayed at FPS to a pyzmq SUB in another process, the agent's CPU split per thread
(the poll loop, libzmq's I/O thread, the relay's waiter) over SECONDS, with HEALTH's relay counters.

Usage: relay_cpu.py LOOKOUT [SECONDS] [FPS]
"""
import json, os, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import relay_bench  # noqa: E402  (its sink)


def thread_cpu(pid):
    """Seconds of CPU per thread name (threads of one name summed)."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            name = open(f"/proc/{pid}/task/{task}/comm").read().strip()
            fields = open(f"/proc/{pid}/task/{task}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[name] = out.get(name, 0) + (int(fields[11]) + int(fields[12])) / ticks
    return out


def health(control):
    client = os.path.join(HERE, "..", "..", "Tests", "python", "bus_client.py")
    reply = json.loads(subprocess.run([sys.executable, client, "request", "--control", control, "HEALTH"],
                                      capture_output=True, text=True, check=True).stdout)
    return json.loads(reply[1])


def main():
    lookout = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 20
    fps = float(sys.argv[3]) if len(sys.argv) > 3 else 30
    with tempfile.TemporaryDirectory(prefix="lookout-relay-cpu-", dir="/dev/shm") as d:
        with open(f"{d}/lookout.toml", "w") as f:
            f.write(f'[ts]\ndir = "{d}"\n[[ts.channel]]\ndata = "sfb_data_ch1"\nevent = "sfb_event_ch1"\nrelay_fps = {fps:g}\n'
                    '[log]\nsocket = ""\n')
        control = f"ipc://{d}/control"
        producer = subprocess.Popen([lookout, "sfb-produce", "--channel", "1", "--dir", d, "--size", "1920x1080", "--format", "I420",
                                     "--fps", f"{fps:g}", "--slots", "4", "--repeat-frame"], stdout=subprocess.DEVNULL)
        agent = subprocess.Popen([lookout, "run", "--config", f"{d}/lookout.toml", "--pub", f"ipc://{d}/pub", "--control", control],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(2)
            receiver = relay_bench.sink(f"ipc://{d}/pub", "SUB", seconds, topic="ts.channel.1.frame")
            time.sleep(1)
            before, h0, t0 = thread_cpu(agent.pid), health(control), time.time()
            time.sleep(seconds - 2)
            after, h1, t1 = thread_cpu(agent.pid), health(control), time.time()
            rss = relay_bench.rss_kib(agent.pid)
            receiver.communicate()
        finally:
            agent.terminate(); producer.terminate()
            agent.wait(); producer.wait()
    relay0, relay1 = h0["channels"][0]["relay"], h1["channels"][0]["relay"]
    sent = relay1["sent"] - relay0["sent"]
    elapsed = t1 - t0
    threads = {name: round(1000 * (after[name] - before.get(name, 0)) / max(sent, 1), 3)
               for name in after if after[name] - before.get(name, 0) > 0}
    print(json.dumps({
        "fps": fps, "load_average": open("/proc/loadavg").read().split()[:3], "seconds": round(elapsed, 1),
        "relayed_per_s": round(sent / elapsed, 2),
        "agent_cpu_ms_per_frame": round(1000 * (sum(after.values()) - sum(before.values())) / max(sent, 1), 3),
        "cpu_ms_per_frame_by_thread": threads,
        "agent_rss_mib": round(rss / 1024, 1),
        "loop_wakeups_per_s": round((h1["relay"].get("loop_wakeups", 0) - h0["relay"].get("loop_wakeups", 0)) / elapsed, 1)
        if "loop_wakeups" in h1["relay"] else None,
    }))


if __name__ == "__main__":
    main()
