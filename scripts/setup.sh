#!/usr/bin/env bash
# Installs what building Lookout needs on Debian 12 (run as root). Swift itself must already be on PATH.
set -euo pipefail
# binutils: nm, for a test; help2man, man-db: the package's man pages; lintian, logrotate, python3-zmq (a subscriber
# run as another user): scripts/test-package.sh. openssl: DatabaseTLSTests makes its CA and certificates
# (mariadb-server for its TLS-only server comes with the peer, scripts/zm-peer-up.sh). libmosquitto-dev: mosquitto.h
# for the MQTT bridge; mosquitto, mosquitto-clients, python3-paho-mqtt (Debian's /usr/bin/python3): the MQTT tests'
# broker and independent client. libturbojpeg0-dev: the JPEG encoder of `lookout serve`; chromium, python3-pil: the
# picture and status-page tests (Tests/python/picture_check.py, status_page_check.py); libjpeg-turbo-progs: djpeg,
# which ChannelPictureTests decode with; curl: the HTTP tests' client.
packages=(binutils chromium curl help2man libmariadb-dev libmosquitto-dev libjpeg-turbo-progs libturbojpeg0-dev libzmq3-dev lintian logrotate man-db mosquitto mosquitto-clients openssl pkg-config prometheus python3 python3-paho-mqtt python3-pil python3-pip python3-zmq util-linux wrk)
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
# pyzmq: the independent subscriber the bus tests and the latency benchmark use.
if ! python3 -c "import zmq" 2>/dev/null; then
  echo "[setup] installing pyzmq"
  python3 -m pip install -q --root-user-action=ignore pyzmq 2>/dev/null || python3 -m pip install -q --break-system-packages pyzmq
fi
command -v swift >/dev/null || { echo "[setup] swift is not on PATH (expected /opt/swift/usr/bin)" >&2; exit 1; }
