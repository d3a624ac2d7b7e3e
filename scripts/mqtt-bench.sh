#!/usr/bin/env bash
# MQTT bridge benchmark, release build as shipped (Benchmarks/agent/mqtt_bench.py): alarm → subscriber latency on the
# ZeroMQ bus and through MQTT (mosquitto on loopback, paho-mqtt) in the same samples, and the agent's resident memory
# with the bridge off and on. LATENCY_SAMPLES (200), RUNS (3) and RSS_SETTLE (10 s) shorten a trial run.
# SKIP_BUILD=1 uses the executables already in .build-ship. Results go in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  bash scripts/setup.sh
  bash scripts/build-release.sh
fi
/usr/bin/python3 Benchmarks/agent/mqtt_bench.py .build-ship/release/lookout
