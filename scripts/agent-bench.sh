#!/usr/bin/env bash
# Agent benchmark, release build as shipped. Results go in docs/performance.md.
# 1. Benchmarks/agent/agent_bench.py: latency (10 and 50 Hz) and CPU/RSS (64 and 256 monitors at 10 Hz).
#    LATENCY_SAMPLES and CPU_SECONDS shorten a trial run.
# 2. Benchmarks/agent/scale_bench.py, RUNS times (default 3; take min/median/max), with the load average:
#    CPU and RSS at 256, 1 024 and 4 096 monitors beside the paced floor (Benchmarks/floor/paced_floor.c, run in
#    the same window), start → first SNAPSHOT reply, a 16-client SNAPSHOT burst at 4 096 (heartbeat gap, poll
#    overruns, time per client), HEALTH and HEALTH <id> latency at 4 096, and the gaps a full pyzmq subscriber
#    sees over 60 s at 4 096. Benchmarks/agent/callgrind_window.sh gives instruction counts (run by hand).
#    SCALE_SIZES, SCALE_SECONDS and GAP_SECONDS shorten a trial run; SKIP_LATENCY=1 runs only part 2.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-release.sh
lookout=.build-ship/release/lookout
if [ "${SKIP_LATENCY:-0}" != 1 ]; then
  python3 Benchmarks/agent/agent_bench.py "$lookout"
fi
floor=$(mktemp -d)/paced_floor
cc -O2 -o "$floor" Benchmarks/floor/paced_floor.c
sizes=${SCALE_SIZES:-256,1024,4096}
for run in $(seq "${RUNS:-3}"); do
  echo "run $run, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  PACED_FLOOR=$floor python3 Benchmarks/agent/scale_bench.py "$lookout" cpu "$sizes" "${SCALE_SECONDS:-20}"
  python3 Benchmarks/agent/scale_bench.py "$lookout" startup "$sizes"
  python3 Benchmarks/agent/scale_bench.py "$lookout" burst 4096 16
  python3 Benchmarks/agent/scale_bench.py "$lookout" health 4096
  python3 Benchmarks/agent/scale_bench.py "$lookout" gaps 4096 "${GAP_SECONDS:-60}" 10
done
