#!/usr/bin/env bash
# Starts the real ZoneMinder 1.36.33 test peer with the repository's own scripts/zm-peer-up.sh (installs
# zoneminder and a private MariaDB on first use; quick when the peer is already up).
# LOOKOUT_PEER_UP overrides the script to run (e.g. another checkout's).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
up=${LOOKOUT_PEER_UP:-$root/scripts/zm-peer-up.sh}
[ -f "$up" ] || { echo "[peer] $up not found" >&2; exit 1; }
bash "$up"
