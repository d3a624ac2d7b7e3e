#!/usr/bin/env bash
# Starts the real ZoneMinder 1.36.33 peer (installs zoneminder + a private MariaDB on first use).
# LOOKOUT_PEER_DIR overrides where zm-peer-up.sh lives (default: ../shared/peer beside the repository).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peer=${LOOKOUT_PEER_DIR:-$root/../shared/peer}
[ -x "$peer/zm-peer-up.sh" ] || { echo "[peer] $peer/zm-peer-up.sh not found; set LOOKOUT_PEER_DIR" >&2; exit 1; }
bash "$peer/zm-peer-up.sh"
