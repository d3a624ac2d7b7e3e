#!/usr/bin/env bash
# Builds the executables as they ship: release, Swift's standard library linked statically, every Swift function in
# a section of its own so the linker can put the agent's running code together (packaging/lookout-agent.order).
# Output: .build-ship/release/{lookout,lookout-agent,zmlog}. A scratch directory of its own: SwiftPM does not
# rebuild objects when only -Xswiftc flags change, so sharing one with other flags would keep stale objects.
set -euo pipefail
cd "$(dirname "$0")/.."
# The order file is not an input SwiftPM tracks: relink the agent so a regenerated one takes effect.
rm -f .build-ship/release/lookout-agent
for product in lookout lookout-agent zmlog; do
  swift build -c release --static-swift-stdlib -Xswiftc -Xfrontend -Xswiftc -function-sections \
    --product "$product" --scratch-path .build-ship
done
