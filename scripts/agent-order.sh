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
import re, sys
names, current_object, called_object = set(), None, None
for line in open(sys.argv[1]):
    if line.startswith("ob="):
        current_object = line[3:].strip()
    elif line.startswith("cob="):
        called_object = line[4:].strip()
    elif line.startswith(("fn=", "cfn=")):
        obj = called_object if line.startswith("cfn=") and called_object else current_object
        if line.startswith("cfn="):
            called_object = None
        if obj == sys.argv[2]:
            names.add(re.sub(r"'\d+$", "", line.split("=", 1)[1].strip()))
print("\n".join(sorted(names)))
PY
echo "[order] $(wc -l <packaging/lookout-agent.order) functions in packaging/lookout-agent.order"
