#!/usr/bin/env bash
# Agent benchmark: latency (10 and 50 Hz) and CPU/RSS (64 and 256 monitors at 10 Hz), release build.
# Results go in docs/performance.md. LATENCY_SAMPLES and CPU_SECONDS shorten a trial run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# As a package ships it: Swift's standard library linked statically.
swift build -c release --static-swift-stdlib --product lookout --scratch-path .build-static
python3 Benchmarks/agent/agent_bench.py .build-static/release/lookout
