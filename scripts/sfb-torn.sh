#!/bin/sh
# The torn-frame proof outside CI: `lookout sfb-produce` at full speed in one process, `lookout sfb-verify` in
# another checking every frame it returns against the checksum in its pixels: READS reads (default 1 000 000) for each
# small shape, READS/10 at 1080p (a read there copies and sums 3 MB). Release build. Prints each run's summary;
# exits non-zero on any torn frame.
set -eu
cd "$(dirname "$0")/.."
READS=${READS:-1000000}
swift build -c release --product lookout >/dev/null
LOOKOUT=.build/release/lookout
DIR=$(mktemp -d /dev/shm/lookout-torn.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
status=0
for shape in "64x48 BGRA 2 1" "320x240 GREY 1 1" "640x360 I420 4 1" "1920x1080 I420 2 10"; do
    set -- $shape
    reads=$((READS / $4))
    "$LOOKOUT" sfb-produce --channel 1 --dir "$DIR" --size "$1" --format "$2" --slots "$3" --fps 0 >/dev/null &
    producer=$!
    printf '%s %s slots=%s: ' "$1" "$2" "$3"
    "$LOOKOUT" sfb-verify 1 --sfb-dir "$DIR" --reads "$reads" || status=1
    kill -INT "$producer"; wait "$producer" || true
    rm -f "$DIR/sfb_data_ch1"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
