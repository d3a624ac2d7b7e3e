#!/usr/bin/env bash
# Logging benchmark: lines/s per output (file, syslog, database) for ZMLog vs Perl ZoneMinder::Logger vs pyzm 2.5.6,
# side by side in one run, against the ZoneMinder peer's configuration and database. Results: docs/logging.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/peer.sh
[ -x .venv-bench/bin/python ] || python3 -m venv .venv-bench
.venv-bench/bin/python -c 'import pyzm, mysql.connector' 2>/dev/null || .venv-bench/bin/pip install -q "pyzm[db]==2.5.6"
swift build -c release --product lookout-log-bench
exec .build/release/lookout-log-bench --python .venv-bench/bin/python "$@"
