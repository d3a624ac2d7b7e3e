#!/usr/bin/env bash
# Agent benchmark: latency (10 and 50 Hz) and CPU/RSS (64 and 256 monitors at 10 Hz), release build.
# Results go in docs/performance.md. LATENCY_SAMPLES and CPU_SECONDS shorten a trial run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-release.sh
python3 Benchmarks/agent/agent_bench.py .build-ship/release/lookout
