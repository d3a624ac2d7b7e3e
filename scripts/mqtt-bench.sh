#!/usr/bin/env bash
# MQTT bridge benchmark, release build as shipped (Benchmarks/agent/mqtt_bench.py): alarm → subscriber latency on the
# ZeroMQ bus and through MQTT (mosquitto on loopback, paho-mqtt) in the same samples, and the agent's resident memory
# with the bridge off, on, and off with libmosquitto preloaded (what linking it would cost). LATENCY_SAMPLES (200; 0:
# memory only), RUNS (3), RSS_SETTLE (10 s), RSS_MONITORS (3) and RSS_NO_DATABASE=1 (no zm.conf, so no libmariadb and
# its libssl in the agent) change the run.
# SKIP_BUILD=1 uses the executables already in .build-ship. Results go in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  bash scripts/setup.sh
  bash scripts/build-release.sh
fi
/usr/bin/python3 Benchmarks/agent/mqtt_bench.py .build-ship/release/lookout
