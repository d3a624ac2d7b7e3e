#!/usr/bin/env bash
# Builds Lookout (release) and runs it against the ZoneMinder monitors on this machine.
# Without a local ZoneMinder it starts the ZoneMinder peer (../shared/peer) as the demo source.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product lookout
lookout=.build/release/lookout
if ! ls /dev/shm/zm.mmap.* >/dev/null 2>&1; then
  echo "[run] no ZoneMinder segments in /dev/shm: starting the ZoneMinder peer as a demo source"
  bash scripts/peer.sh
fi
"$lookout" status
exec "$lookout" watch "$@"
