#!/usr/bin/env bash
# Regenerates packaging/lookout-agent.order: every function of lookout-agent that runs in a normal life (start-up,
# configuration, database logging, discovery, polling, publishing, control requests, signals, restarts of a zmc,
# shutdown), recorded with valgrind's callgrind. The linker places them first and together (lld
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
import os, signal, sys, time, zmq
work, agent = sys.argv[1], int(sys.argv[2])
ctx = zmq.Context.instance()
sub = ctx.socket(zmq.SUB); sub.setsockopt(zmq.SUBSCRIBE, b""); sub.connect(f"ipc://{work}/state.pub")
def ask(request):
    req = ctx.socket(zmq.REQ); req.setsockopt(zmq.LINGER, 0); req.connect(f"ipc://{work}/control")
    req.send(request)
    if not req.poll(60000): raise SystemExit(f"agent did not answer {request!r}")
    req.recv_multipart(); req.close()
ask(b"PING")
for request in (b"HEALTH", b"SNAPSHOT", b"SNAPSHOT zm.monitor.1.", b"NONSENSE", b"TRIGGER 1 on"):
    ask(request)
for sig in (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2):
    os.kill(agent, sig)
deadline = time.time() + 25  # heartbeats, fps, re-publish, two zmc restarts
while time.time() < deadline:
    if sub.poll(1000): sub.recv_multipart()
ask(b"HEALTH")
os.kill(agent, signal.SIGTERM)
PY
wait "$agent" || true
python3 - "$work/callgrind.out" "$work/lookout-agent" >packaging/lookout-agent.order <<'PY'
# Most instructions first: the poll loop's functions end up next to each other (fewer pages and TLB entries per
# tick), start-up and shutdown code after them, and everything that never ran after the whole list.
import collections, re, sys
cost, obj, called_obj, fn, in_call = collections.Counter(), None, None, None, False
for line in open(sys.argv[1]):
    if line.startswith("ob="):
        obj = line[3:].strip()
    elif line.startswith("cob="):
        called_obj = line[4:].strip()
    elif line.startswith("fn="):
        fn = re.sub(r"'\d+$", "", line[3:].strip()) if obj == sys.argv[2] else None
        if fn: cost[fn] += 0
    elif line.startswith("cfn="):
        name = re.sub(r"'\d+$", "", line[4:].strip())
        if (called_obj or obj) == sys.argv[2]: cost[name] += 0
        called_obj = None
    elif line.startswith("calls="):
        in_call = True  # the next cost line is inclusive cost of the call, not this function's own
    elif line[:1].isdigit() or line[:1] in "+-*":
        if in_call:
            in_call = False
        elif fn:
            parts = line.split()
            if len(parts) > 1: cost[fn] += int(parts[1])
for name, _ in sorted(cost.items(), key=lambda item: (-item[1], item[0])):
    print(name)
PY
echo "[order] $(wc -l <packaging/lookout-agent.order) functions in packaging/lookout-agent.order"
