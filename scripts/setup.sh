#!/usr/bin/env bash
# Installs what building Lookout needs on Debian 12 (run as root). Swift itself must already be on PATH.
set -euo pipefail
packages=(libmariadb-dev pkg-config python3 util-linux)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup] installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "[setup] swift is not on PATH (expected /opt/swift/usr/bin)" >&2; exit 1; }
