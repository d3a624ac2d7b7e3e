#!/usr/bin/env bash
# TS frame buffer benchmarks, release build (docs/performance.md, "TS frame buffers"):
# relay throughput of 1080p I420 beside a bare libzmq PUSH→PULL and a memcpy (same run), the agent's CPU per frame
# relayed at a steady 30 fps, then the agent's CPU and RSS with 16 channels at 30 fps and 256 simulated monitors.
# RUNS (default 3) repeats them all; SECONDS_RELAY, SECONDS_RELAY_CPU and SECONDS_CPU shorten them.
set -euo pipefail
cd "$(dirname "$0")/.."
# The binaries as they ship (static standard library, symbol order): the RSS figures are the package's.
bash scripts/build-release.sh >/dev/null
lookout=$PWD/.build-ship/release/lookout
for run in $(seq "${RUNS:-3}"); do
  echo "run $run, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 Benchmarks/relay/relay_bench.py "$lookout" "${SECONDS_RELAY:-5}"
  python3 Benchmarks/relay/relay_cpu.py "$lookout" "${SECONDS_RELAY_CPU:-20}" 30
  python3 Benchmarks/relay/channels_cpu.py "$lookout" "${SECONDS_CPU:-30}" 0    # the same agent without channels
  python3 Benchmarks/relay/channels_cpu.py "$lookout" "${SECONDS_CPU:-30}" 16
done
