#!/usr/bin/env bash
# Decode benchmark: Lookout vs pyzm 2.5.6 vs Perl ZoneMinder::Memory on the peer's live segments, one run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/peer.sh
[ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench
.venv-bench/bin/python -c 'import pyzm' 2>/dev/null || .venv-bench/bin/pip install -q pyzm==2.5.6
swift build -c release --product lookout-bench
exec .build/release/lookout-bench --python .venv-bench/bin/python "$@"
