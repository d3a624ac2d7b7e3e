#!/usr/bin/env bash
# Instruction counts of lookout-agent over a fixed window (callgrind; stable on a shared, noisy machine).
# usage: Benchmarks/agent/callgrind_window.sh AGENT LOOKOUT MONITORS [OUT_DIR]
#   AGENT: the lookout-agent to measure (as shipped: .build-ship/release/lookout-agent); LOOKOUT: the `lookout` whose
#   `simulate` writes MONITORS segments at 10 fps. The counters are zeroed 5 s after the agent is ready and dumped
#   10 s later; the window holds two HEALTH requests a few seconds apart, one fps round and a re-publish cycle.
#   WINDOW=steady: zeroed 16 s after ready (after start-up's give-back, `agent.release_startup_pages`, and the first
#   re-publish cycle's index merge) and dumped 10 s later with no request in between: the steady state
#   `scale_bench.py cpu` measures.
# Prints one JSON line: Ir in the window, poll ticks, Ir per monitor per tick, and the inclusive Ir of a few functions.
set -euo pipefail
agent=$1 lookout=$2 monitors=$3
out=${4:-$(mktemp -d /tmp/lookout-callgrind.XXXXXX)}
mkdir -p "$out"
work=$(mktemp -d /tmp/lookout-cg-work.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
# valgrind 3.19 cannot read the DWARF 5 the Swift toolchain writes; the symbol table is all it needs.
cp "$agent" "$work/lookout-agent"
strip -g "$work/lookout-agent"
"$lookout" simulate --dir "$work" --monitors "$monitors" --fps 10 --restart-every 0 >/dev/null &
while [ "$(find "$work" -maxdepth 1 -name 'zm.mmap.*' | wc -l)" -lt "$monitors" ]; do sleep 0.1; done
printf '[zoneminder]\nuse_database = false\n[agent]\nfps_seconds = 10\n[log]\nsocket = "%s/log.sock"\n' "$work" >"$work/agent.toml"
valgrind --tool=callgrind --dump-instr=no --compress-strings=no --callgrind-out-file="$out/callgrind.out.$monitors" \
  "$work/lookout-agent" --config "$work/agent.toml" --map-dir "$work" --zm-version 1.36.33 --poll-hz 10 \
  --pub "ipc://$work/state.pub" --control "ipc://$work/control" >"$work/agent.log" 2>&1 &
vg=$!
python3 - "$work" "$vg" "$out/callgrind.out.$monitors" "$monitors" <<'PY'
import json, os, subprocess, sys, time, zmq
work, pid, out, monitors = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
ctx = zmq.Context.instance()
def ask(*frames):
    while True:
        req = ctx.socket(zmq.REQ); req.setsockopt(zmq.LINGER, 0); req.connect(f"ipc://{work}/control")
        req.send_multipart(list(frames))
        if not req.poll(120000): raise SystemExit(f"agent did not answer {frames!r}")
        reply = req.recv_multipart(); req.close()
        body = json.loads(reply[1])
        if reply[0] == b"OK": return body
        if body.get("code") == "too_large": return body  # HEALTH of 4 096 unhealthy monitors can pass 1 MiB: rendered all the same
        if body.get("code") != "busy": raise SystemExit(f"{frames!r}: {body}")
        time.sleep(body.get("retry_ms", 100) / 1000)
ask(b"PING")
sub = ctx.socket(zmq.SUB); sub.setsockopt(zmq.SUBSCRIBE, b"agent.heartbeat"); sub.connect(f"ipc://{work}/state.pub")
def polls():
    """`polls` of the next heartbeat (sent once a second), after dropping those queued."""
    while sub.poll(0): sub.recv_multipart()
    return json.loads(sub.recv_multipart()[2])["polls"]
steady = os.environ.get("WINDOW") == "steady"
time.sleep(16 if steady else 5)
before = polls()
subprocess.run(["callgrind_control", "-z", str(pid)], check=True, stdout=subprocess.DEVNULL)
if steady:
    time.sleep(10)
else:
    time.sleep(3); ask(b"HEALTH"); time.sleep(4); ask(b"HEALTH"); time.sleep(3)
subprocess.run(["callgrind_control", "-d", str(pid)], check=True, stdout=subprocess.DEVNULL)
after = polls()
print(json.dumps({"monitors": monitors, "ticks": after - before - 0}), file=open(out + ".ticks", "w"))
PY
kill -TERM "$vg"; wait "$vg" || true
dump=$(ls -t "$out"/callgrind.out.$monitors.* 2>/dev/null | grep -v ticks | head -1)
python3 - "$dump" "$out/callgrind.out.$monitors.ticks" <<'PY'
import json, re, subprocess, sys
dump, ticks = sys.argv[1], json.load(open(sys.argv[2]))
text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", dump], capture_output=True, text=True).stdout
total = int(re.search(r"([\d,]+)\s+\(100.0%\)\s+PROGRAM TOTALS", text).group(1).replace(",", ""))
def incl(pattern):
    best = 0
    for line in text.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\([\d. ]+%\)\s+(.*)", line)
        if m and re.search(pattern, m.group(2)):
            best = max(best, int(m.group(1).replace(",", "")))
    return best
n, t = ticks["monitors"], ticks["ticks"]
print(json.dumps({"monitors": n, "Ir": total, "ticks": t, "Ir_per_monitor_tick": round(total / n / max(t, 1)),
                  "pollAll": incl(r"pollAll"), "hot_scan": incl(r"lookout_hot_scan"), "publish_changes": incl(r"AgentLoop.*publish.*changes|7publish_3for"),
                  "health": incl(r"AgentLoop.*health|6health3now"), "rendered": incl(r"JSONValue.*rendered|8rendered6pretty"),
                  "retain_release": incl(r"^swift_retain$|swift_retain |^swift_release") , "dump": dump}))
PY
