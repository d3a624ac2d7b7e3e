#!/usr/bin/env bash
# Pictures benchmark (docs/performance.md, "Pictures"): latest.jpg latency of a release `lookout serve` for the peer's
# 320x240 monitor 1 and a synthetic 1080p segment, beside `zmu -m 1 -i` on the same monitor in the same run, and JPEG
# encodes per second on one core. Needs the ZoneMinder peer (scripts/peer.sh) and /usr/bin/python3.
# Usage: scripts/picture-bench.sh [REQUESTS]   (default 200 requests per series, 3 runs each)
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-200}
swift build -c release --product lookout >/dev/null
swift build -c release --product lookout-picture-bench >/dev/null
bin=.build/release
work=$(mktemp -d /tmp/lookout-picture-bench.XXXXXX)
serve_pid=""; synth_pid=""; producer_pid=""
cleanup() {
  for pid in $serve_pid $synth_pid $producer_pid; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
port=$((20000 + RANDOM % 20000))
"$bin/lookout" serve --listen "127.0.0.1:$port" --control "ipc://$work/none" --publish "ipc://$work/none.pub" 2>/dev/null &
serve_pid=$!
"$bin/lookout-picture-bench" --segment "$work" >/dev/null
# A 1080p I420 TS channel (the reference producer at 10 fps) beside the synthetic 1080p RGBA ZoneMinder segment.
"$bin/lookout" sfb-produce --channel 1 --dir "$work" --size 1920x1080 --format I420 --fps 10 >/dev/null 2>&1 &
producer_pid=$!
printf '[zoneminder]\nmap_dir = "%s"\nmonitors = [1]\nuse_database = false\n[ts]\ndir = "%s"\n' "$work" "$work" > "$work/synth.toml"
"$bin/lookout" serve --config "$work/synth.toml" --size 1=1920x1080 --listen "127.0.0.1:$((port + 1))" \
  --control "ipc://$work/none" --publish "ipc://$work/none.pub" 2>/dev/null &
synth_pid=$!
for p in $port $((port + 1)); do
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$p/livez" && break; sleep 0.1; done
done
rss() { grep VmRSS "/proc/$1/status" | tr -s ' ' | cut -d' ' -f2-3; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
echo "lookout serve resident at start: $(rss $serve_pid) (peer), $(rss $synth_pid) (1080p)"
for run in 1 2 3; do
  echo "run $run"
  # --encode: every answer is a fresh copy and encode (a new quality each time defeats the per-frame cache).
  echo "  lookout 320x240 peer monitor 1, encode each: $(/usr/bin/python3 Tests/python/latency.py url "http://127.0.0.1:$port/api/monitors/1/latest.jpg" "$requests" --encode)"
  echo "  lookout 320x240 peer monitor 1, as asked:    $(/usr/bin/python3 Tests/python/latency.py url "http://127.0.0.1:$port/api/monitors/1/latest.jpg" "$requests")"
  echo "  zmu -m 1 -i (same monitor):                  $(cd "$work" && /usr/bin/python3 "$OLDPWD/Tests/python/latency.py" command 20 -- zmu -m 1 -i)"
  echo "  lookout snapshot 1 -o FILE (a process too):  $(/usr/bin/python3 Tests/python/latency.py command 20 -- "$bin/lookout" snapshot 1 -o "$work/snapshot.jpg")"
  echo "  lookout 1920x1080 RGBA, encode each:         $(/usr/bin/python3 Tests/python/latency.py url "http://127.0.0.1:$((port + 1))/api/monitors/1/latest.jpg" "$requests" --encode)"
  echo "  lookout 1920x1080 RGBA ?h=360, encode each:  $(/usr/bin/python3 Tests/python/latency.py url "http://127.0.0.1:$((port + 1))/api/monitors/1/latest.jpg?h=360" "$requests" --encode)"
  echo "  lookout 1920x1080 I420 SFB, encode each:     $(/usr/bin/python3 Tests/python/latency.py url "http://127.0.0.1:$((port + 1))/api/channels/1/latest.jpg" "$requests" --encode)"
  echo "  lookout 1920x1080 I420 SFB, as asked:        $(/usr/bin/python3 Tests/python/latency.py url "http://127.0.0.1:$((port + 1))/api/channels/1/latest.jpg" "$requests")"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "lookout serve resident after: $(rss $serve_pid) (peer), $(rss $synth_pid) (1080p)"
"$bin/lookout-picture-bench"
