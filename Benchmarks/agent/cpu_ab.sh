#!/usr/bin/env bash
# Two builds of `lookout` side by side: `scale_bench.py cpu` on BEFORE then AFTER, alternated RUNS times, each in
# its own window beside the paced floor (built here from Benchmarks/floor/paced_floor.c). One line per run: CPU %
# of a core, the floor's, their ratio, ns per monitor per tick, RSS (anon / file) and the load average.
# usage: Benchmarks/agent/cpu_ab.sh BEFORE_LOOKOUT AFTER_LOOKOUT [MONITORS=256] [RUNS=3] [SECONDS=20]
#   e.g. build 7b9cbc5 in a worktree with scripts/build-release.sh and pass its .build-ship/release/lookout.
set -euo pipefail
cd "$(dirname "$0")/../.."
before=$1 after=$2 monitors=${3:-256} runs=${4:-3} seconds=${5:-20}
floor=$(mktemp /tmp/lookout-floor.XXXXXX)
trap 'rm -f "$floor"' EXIT
cc -O2 -o "$floor" Benchmarks/floor/paced_floor.c
for run in $(seq 1 "$runs"); do
  for which in before after; do
    lookout=$before
    [ "$which" = after ] && lookout=$after
    PACED_FLOOR=$floor python3 Benchmarks/agent/scale_bench.py "$lookout" cpu "$monitors" "$seconds" 2>/dev/null | tail -1 |
      python3 -c 'import json, sys
d = json.loads(sys.stdin.read())
print(sys.argv[1], sys.argv[2], d["monitors"], "cpu", d["agent_cpu_pct"], "floor", d["floor_cpu_pct"],
      "ratio", round(d["agent_cpu_pct"] / d["floor_cpu_pct"], 2), "ns/monitor/tick", d["agent_ns_per_monitor_tick"],
      "rss", d["rss_mib"], "anon", d["anon_mib"], "file", d["file_mib"], "load", " ".join(d["loadavg"]))' "$run" "$which"
  done
done
