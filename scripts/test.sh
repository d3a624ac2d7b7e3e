#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine (as root): build dependencies, the real ZoneMinder
# peer (zmc x3 + MariaDB), then every unit and integration test. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/peer.sh
swift build --build-tests
swift test --skip-build
# The .deb as an admin meets it: build, lintian, install, the unit's user and sandbox, remove, purge.
bash scripts/test-package.sh
