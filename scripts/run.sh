#!/usr/bin/env bash
# Builds Lookout (release) and runs the agent: against the ZoneMinder monitors on this machine when there are
# any, else on its built-in demo (simulated ZoneMinder 1.36 monitors). Extra arguments go to `lookout run`.
# Watch the bus from another terminal with: .build-ship/release/lookout sub
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-release.sh  # lookout and lookout-agent (which `lookout run` execs), as they ship
lookout=.build-ship/release/lookout
if ls /dev/shm/zm.mmap.* >/dev/null 2>&1; then
  "$lookout" status || true
  exec "$lookout" run "$@"
fi
echo "[run] no ZoneMinder segments in /dev/shm: running the built-in demo (lookout run --demo)"
exec "$lookout" run --demo "$@"
