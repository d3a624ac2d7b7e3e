#!/usr/bin/env bash
# Regenerates packaging/lookout-agent.order: every function of lookout-agent that runs in a normal life (start-up,
# configuration, database logging, discovery, polling, publishing, control requests, signals, restarts of a zmc,
# shutdown), recorded with valgrind's callgrind in two phases (start-up, then the steady state). The linker places them first and together (lld
# --symbol-ordering-file), so the agent's resident code is those pages instead of every 64 KiB neighbourhood the
# kernel's fault-around brings in around them (docs/performance.md). Rerun after larger changes to the agent; a stale
# file only costs memory (names it no longer finds are skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
command -v valgrind >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends valgrind >/dev/null
bash scripts/build-release.sh
work=$(mktemp -d /tmp/lookout-order.XXXXXX)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
# valgrind 3.19 cannot read the DWARF 5 the Swift toolchain writes; the symbol table is all it needs.
cp .build-ship/release/lookout-agent "$work/lookout-agent"
strip -g "$work/lookout-agent"
.build-ship/release/lookout simulate --dir "$work" --monitors 16 --fps 10 --restart-every 8 >/dev/null &
printf '[zoneminder]\nuse_database = true\n[agent]\nfps_seconds = 5\n[log]\nsocket = "%s/log.sock"\n' "$work" >"$work/agent.toml"
valgrind --tool=callgrind --dump-instr=no --compress-strings=no --demangle=no --callgrind-out-file="$work/callgrind.out" \
  "$work/lookout-agent" --config "$work/agent.toml" --map-dir "$work" --zm-version 1.36.33 \
  --pub "ipc://$work/state.pub" --control "ipc://$work/control" >"$work/agent.log" 2>&1 &
agent=$!
python3 - "$work" "$agent" <<'PY'
import os, signal, subprocess, sys, time, zmq
work, agent = sys.argv[1], int(sys.argv[2])
ctx = zmq.Context.instance()
sub = ctx.socket(zmq.SUB); sub.setsockopt(zmq.SUBSCRIBE, b""); sub.connect(f"ipc://{work}/state.pub")
def ask(request):
    req = ctx.socket(zmq.REQ); req.setsockopt(zmq.LINGER, 0); req.connect(f"ipc://{work}/control")
    req.send(request)
    if not req.poll(60000): raise SystemExit(f"agent did not answer {request!r}")
    req.recv_multipart(); req.close()
def listen(seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if sub.poll(1000): sub.recv_multipart()
# Phase 1, start-up and the rare requests: dumped on its own, so the order can put it after the steady state.
ask(b"PING")
for request in (b"SNAPSHOT", b"SNAPSHOT zm.monitor.1.", b"NONSENSE", b"TRIGGER 1 on", b"TRIGGER 1 cancel"):
    ask(request)
for sig in (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
    os.kill(agent, sig)
listen(3)
subprocess.run(["callgrind_control", "--dump=startup", str(agent)], check=True, stdout=subprocess.DEVNULL)
# Phase 2, the steady state: heartbeats, fps, the paced re-publish, zmc restarts, a probe's HEALTH now and then.
for _ in range(5):
    listen(5)
    ask(b"HEALTH"); ask(b"HEALTH 1"); ask(b"PING")
os.kill(agent, signal.SIGTERM)
PY
wait "$agent" || true
python3 - "$work" "$work/lookout-agent" >packaging/lookout-agent.order <<'PY'
# The steady state's functions first, most instructions first (the poll loop's functions end up next to each other:
# fewer pages and TLB entries per tick), then those only start-up ran, then everything that never ran after the
# whole list. Start-up code is touched once; kept apart, it does not drag its 64 KiB neighbourhoods of hot code along.
import collections, glob, re, sys
def costs(path, binary):
    cost, obj, called_obj, fn, in_call = collections.Counter(), None, None, None, False
    for line in open(path):
        if line.startswith("ob="):
            obj = line[3:].strip()
        elif line.startswith("cob="):
            called_obj = line[4:].strip()
        elif line.startswith("fn="):
            fn = re.sub(r"'\d+$", "", line[3:].strip()) if obj == binary else None
            if fn: cost[fn] += 0
        elif line.startswith("cfn="):
            name = re.sub(r"'\d+$", "", line[4:].strip())
            if (called_obj or obj) == binary: cost[name] += 0
            called_obj = None
        elif line.startswith("calls="):
            in_call = True  # the next cost line is inclusive cost of the call, not this function's own
        elif line[:1].isdigit() or line[:1] in "+-*":
            if in_call:
                in_call = False
            elif fn:
                parts = line.split()
                if len(parts) > 1: cost[fn] += int(parts[1])
    return cost
work, binary = sys.argv[1], sys.argv[2]
startup = costs(glob.glob(f"{work}/callgrind.out.*")[0], binary)
steady = costs(f"{work}/callgrind.out", binary)
ran = {name for name, count in steady.items() if count > 0}
order = sorted(ran, key=lambda name: (-steady[name], name))
order += sorted((name for name in startup if name not in ran), key=lambda name: (-startup[name], name))
order += sorted(name for name in steady if name not in ran and name not in startup)
print("\n".join(order))
print(f"[order] steady state {len(ran)}, start-up only {len(order) - len(ran) - sum(1 for n in steady if n not in ran and n not in startup)}", file=sys.stderr)
PY
echo "[order] $(wc -l <packaging/lookout-agent.order) functions in packaging/lookout-agent.order"
