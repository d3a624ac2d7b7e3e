#!/usr/bin/env bash
# The Debian package as an admin meets it (issue: install and operate), on this machine as root with the ZoneMinder
# peer running: build, lintian, install, run the installed agent as its unit would, subscribe as a member of the bus
# group, rotate logs with ZoneMinder's own logrotate rule, remove, purge. Leaves the machine as it found it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
step() { echo "[package] ${SECONDS}s: $*"; }
fail() { echo "[package] FAILED: $*" >&2; exit 1; }
work=$(mktemp -d /tmp/lookout-package.XXXXXX)
chmod 0755 "$work"
agent_pid=
serve_pid=
producer_pid=
broker_pid=
channel=$((900 + $$ % 100))
cleanup() {
  for pid in $agent_pid $serve_pid $producer_pid $broker_pid; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  rm -f "/dev/shm/sfb_data_ch$channel"
  userdel lookout-ci 2>/dev/null || true
  dpkg -P lookout lookout-dbgsym >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

step "build"
deb=$(bash scripts/build-deb.sh | tail -1)
dbgsym=${deb/lookout_/lookout-dbgsym_}
version=$(.build-ship/release/lookout --version)

step "lintian"
lintian --fail-on error,warning "$deb" "$dbgsym" 2>&1 | grep -v "running with root privileges" || true
lintian --fail-on error,warning "$deb" "$dbgsym" >/dev/null 2>&1 || fail "lintian reports errors or warnings"

step "install"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" "$dbgsym" >/dev/null
for program in lookout zmlog lookout-agent; do
  [ "$("/usr/bin/$program" --version)" = "$version" ] || fail "/usr/bin/$program --version is not $version"
done
[ -f /usr/share/man/man1/lookout-run.1.gz ] && man -w lookout-run >/dev/null || fail "man lookout-run not found"
# Every page lookout(1) points to is there: one per subcommand, the hyphenated ones too (lookout-dump-sfb).
pages=$(zcat /usr/share/man/man1/lookout.1.gz | sed -n 's/^\.Xr \(lookout-[a-z-]*\) 1.*/\1/p')
for page in $pages; do man -w "$page" >/dev/null 2>&1 || fail "lookout(1) names $page(1), which man does not find"; done
for sub in serve snapshot sfb-produce dump-sfb sfb-verify; do echo "$pages" | grep -qx "lookout-$sub" || fail "no lookout-$sub(1)"; done
echo "  $(echo "$pages" | wc -l) subcommand pages, each found by man"
getent group lookout >/dev/null || fail "postinst did not create group lookout"
grep -q '^group = "lookout"$' /etc/lookout/lookout.toml || fail "conffile without the bus group"

step "lookout status against the ZoneMinder peer"
status=$(/usr/bin/lookout status)
echo "$status" | sed 's/^/  /'
[ "$(echo "$status" | grep -c '^[0-9]')" -ge 3 ] || fail "lookout status does not list the peer's monitors"

step "the unit"
unit=/lib/systemd/system/lookout.service
systemd-analyze verify "$unit"
exposure=$(systemd-analyze security --offline=true "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for lookout.service: \([0-9.]*\).*/\1/p')
echo "  systemd-analyze security: $exposure"
awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }' || fail "exposure $exposure is above 2.0"

step "both units"
for unit_file in /lib/systemd/system/lookout-http.service; do
  systemd-analyze verify "$unit_file"
  http_exposure=$(systemd-analyze security --offline=true "$unit_file" 2>/dev/null | sed -n 's/.*Overall exposure level for [a-z-]*.service: \([0-9.]*\).*/\1/p')
  echo "  $(basename "$unit_file"): systemd-analyze security: $http_exposure"
  awk -v e="$http_exposure" 'BEGIN { exit !(e != "" && e <= 2.0) }' || fail "exposure of $unit_file $http_exposure is above 2.0"
done

step "turn on MQTT, zmtrigger, pictures with a token in the conffile, as docs/packaging.md says"
free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mqtt_port=$(free_port); zmtrigger_port=$(free_port); http_port=$(free_port)
token=ci-$$-$RANDOM$RANDOM
conffile=/etc/lookout/lookout.toml
# KEY = … (or a commented-out "# KEY = …") inside [SECTION] becomes KEY = VALUE; cat keeps the file's owner and mode.
set_key() {
  awk -v section="[$1]" -v key="$2" -v value="$3" '/^\[/ { inside = ($0 == section) }
    inside && ($0 ~ "^" key " = " || $0 ~ "^# " key " = ") && !done { $0 = key " = " value; done = 1 } { print }' \
    "$conffile" > "$work/lookout.toml"
  grep -qx "$2 = $3" "$work/lookout.toml" || fail "no $2 in [$1] of $conffile"
  cat "$work/lookout.toml" > "$conffile"
}
set_key control allow_commands true
set_key zmtrigger listen "\"127.0.0.1:$zmtrigger_port\""
set_key mqtt url "\"mqtt://127.0.0.1:$mqtt_port\""
set_key mqtt node '"ci"'
set_key http listen "\"127.0.0.1:$http_port\""
set_key http token "\"$token\""
chgrp lookout "$conffile"; chmod 0640 "$conffile"  # a secret in it now

cat > "$work/mosquitto.conf" <<CONF
listener $mqtt_port 127.0.0.1
allow_anonymous true
persistence false
CONF
mosquitto -c "$work/mosquitto.conf" 2>"$work/mosquitto.err" &
broker_pid=$!
# A TS producer as ZoneMinder's user (the agent only reads channel files of root, www-data or its own user).
setpriv --reuid=www-data --regid=www-data --init-groups /usr/bin/lookout sfb-produce --channel "$channel" \
  --size 320x240 --format I420 --fps 10 >"$work/producer.out" 2>&1 &
producer_pid=$!
for _ in $(seq 100); do [ -s "/dev/shm/sfb_data_ch$channel" ] && (: </dev/tcp/127.0.0.1/$mqtt_port) 2>/dev/null && break; sleep 0.1; done

step "the installed agent as its unit runs it (www-data, group lookout, RuntimeDirectory made by systemd)"
# systemd creates RuntimeDirectory= as User:Group with RuntimeDirectoryMode, and chowns what an earlier run left.
install -d -m 0750 -o www-data -g www-data /run/lookout
chown -R www-data:www-data /run/lookout
user_of() { sed -n "s/^$1=//p" "$unit"; }
RUNTIME_DIRECTORY=/run/lookout setpriv --reuid="$(user_of User)" --regid="$(user_of Group)" --groups="$(user_of SupplementaryGroups)" \
  --inh-caps=-all --bounding-set=-all --no-new-privs /usr/bin/lookout-agent 2>"$work/agent.err" &
agent_pid=$!
for _ in $(seq 100); do [ -S /run/lookout/control ] && break; sleep 0.1; done
[ -S /run/lookout/control ] || { cat "$work/agent.err" >&2; fail "the agent did not bind /run/lookout/control"; }
[ "$(stat -c '%a %G' /run/lookout)" = "750 lookout" ] || fail "/run/lookout is $(stat -c '%a %U:%G' /run/lookout), not 750 with group lookout"

useradd --system --no-create-home --shell /usr/sbin/nologin -G lookout lookout-ci
cat > "$work/subscribe.py" <<'PY'
import json, sys, zmq
context = zmq.Context()
sub = context.socket(zmq.SUB)
sub.connect("ipc:///run/lookout/state.pub")
sub.setsockopt(zmq.SUBSCRIBE, b"")
poller = zmq.Poller()
poller.register(sub, zmq.POLLIN)
topics = set()
while "agent.heartbeat" not in topics:
    if not poller.poll(15000):
        sys.exit("no message within 15 s; got %s" % sorted(topics))
    topic, header, body = sub.recv_multipart()
    topics.add(topic.decode())
print(json.dumps(sorted(topics)))
PY
chmod 0644 "$work/subscribe.py"
topics=$(setpriv --reuid=lookout-ci --regid=lookout-ci --init-groups /usr/bin/python3 "$work/subscribe.py") \
  || fail "a member of group lookout could not subscribe"
echo "  lookout-ci (group lookout) received: $topics"

step "TS channel $channel: lookout sfb-produce, dump-sfb, the agent's ts.channel.$channel.state"
dump=$(/usr/bin/lookout dump-sfb "$channel")
echo "$dump" | sed -n '1,3s/^/  /p'
echo "$dump" | grep -q '320x240 I420' || fail "lookout dump-sfb does not show the producer's 320x240 I420 frames"
channel_state=$(setpriv --reuid=lookout-ci --regid=lookout-ci --init-groups /usr/bin/lookout sub --snapshot --json \
  --count 1 --for 15 "ts.channel.$channel.state") || fail "no ts.channel.$channel.state on the bus"
echo "$channel_state" | grep -q '"state":"running"' || fail "the agent does not see channel $channel running: $channel_state"

step "MQTT bridge: availability online on the broker"
availability=$(mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -t lookout/ci/availability -C 1 -W 15) || true
[ "$availability" = online ] || { cat "$work/agent.err" >&2; fail "lookout/ci/availability is '$availability', not online"; }
states=$(mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -t 'lookout/ci/monitor/+/state' -v -C 3 -W 15 | grep -c '"state":"') || true
[ "$states" = 3 ] || fail "$states of the peer's 3 monitor states retained on the broker"
echo "  lookout/ci/availability online, 3 monitor states retained"

step "zmtrigger listener on 127.0.0.1:$zmtrigger_port"
printf '999|on+5|255|package|test|\n' > "/dev/tcp/127.0.0.1/$zmtrigger_port" || fail "nothing listens on $zmtrigger_port"
for _ in $(seq 50); do grep -q "Can't find monitor '999'" /var/log/zm/lookout.log && break; sleep 0.1; done
grep -q "Can't find monitor '999'" /var/log/zm/lookout.log || fail "the zmtrigger listener did not read the line"
echo "  a line for monitor 999 answered with \"Can't find monitor '999'\" in lookout.log"

step "lookout serve as lookout-http.service runs it (a dynamic user in groups lookout and www-data)"
setpriv --reuid=61184 --regid=61184 --groups=lookout,www-data --inh-caps=-all --bounding-set=-all --no-new-privs \
  /usr/bin/lookout serve 2>"$work/serve.err" &
serve_pid=$!
cat > "$work/pictures.py" <<'PY'
import io, sys, time, urllib.error, urllib.request
from PIL import Image
base, token, channel = sys.argv[1:]
def get(path, auth=None):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + auth} if auth else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers.get("Content-Type"), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read()
for _ in range(100):
    try:
        if get("/livez")[0] == 200: break
    except OSError: time.sleep(0.1)
else: sys.exit("lookout serve did not answer /livez")
status, _, _ = get("/api/monitors/1/latest.jpg")
if status != 401: sys.exit("latest.jpg without the token: %d, not 401" % status)
for path in ("/api/monitors/1/latest.jpg", "/api/channels/%s/latest.jpg" % channel):
    status, kind, body = get(path, token)
    if status != 200 or kind != "image/jpeg": sys.exit("%s: %d %s %r" % (path, status, kind, body[:200]))
    image = Image.open(io.BytesIO(body)); image.load()
    print("  %s: %d-byte JPEG, %dx%d" % (path, len(body), *image.size))
    if image.size != (320, 240): sys.exit("%s is %dx%d, not 320x240" % (path, *image.size))
print("  without the token: 401")
PY
/usr/bin/python3 "$work/pictures.py" "http://127.0.0.1:$http_port" "$token" "$channel" || { cat "$work/serve.err" >&2; fail "lookout serve"; }
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
serve_pid=

step "logrotate with ZoneMinder's rule during a burst"
burst_id=lookout_burst_$$
# About two seconds of lines, so the rotation lands in the middle of them.
/usr/bin/python3 -c '
import sys, time
for i in range(1, 20001):
    print("burst line %06d" % i)
    if i % 100 == 0:
        sys.stdout.flush()
        time.sleep(0.01)
' | LOG_LEVEL_DATABASE=-5 /usr/bin/zmlog --id "$burst_id" --no-agent &
burst_pid=$!
for _ in $(seq 200); do [ -s "/var/log/zm/$burst_id.log" ] && break; sleep 0.05; done
logrotate -f -s "$work/logrotate.state" /etc/logrotate.d/zoneminder
kill -USR1 "$agent_pid"
wait "$burst_pid" || fail "zmlog failed during the rotation"
cat "/var/log/zm/$burst_id.log.1" "/var/log/zm/$burst_id.log" 2>/dev/null | grep -o 'burst line [0-9]*' | sort | uniq -c |
  awk '$1 != 1 { bad++ } END { exit bad > 0 }' || fail "a burst line was written twice"
lines=$(cat "/var/log/zm/$burst_id.log.1" "/var/log/zm/$burst_id.log" 2>/dev/null | grep -c 'burst line')
[ "$lines" = 20000 ] || fail "$lines of 20000 burst lines in $burst_id.log and .log.1"
[ -s "/var/log/zm/$burst_id.log" ] || fail "zmlog kept writing into the rotated file"
echo "  20000 lines, each once, in $burst_id.log.1 ($(grep -c 'burst line' "/var/log/zm/$burst_id.log.1")) and $burst_id.log ($(grep -c 'burst line' "/var/log/zm/$burst_id.log"))"
sleep 1.2  # the file writer looks for a moved file at most once a second
kill -USR1 "$agent_pid"
for _ in $(seq 100); do grep -q "Level changed" /var/log/zm/lookout.log 2>/dev/null && break; sleep 0.1; kill -USR1 "$agent_pid"; done
grep -q "Level changed" /var/log/zm/lookout.log || fail "the agent kept writing into the rotated lookout.log"
rm -f "/var/log/zm/$burst_id".log*

step "a second agent on /run/lookout"
if RUNTIME_DIRECTORY=/run/lookout setpriv --reuid=www-data --regid=www-data --groups=lookout --inh-caps=-all \
    --bounding-set=-all --no-new-privs timeout 20 /usr/bin/lookout-agent 2>"$work/second.err"; then
  fail "a second agent started beside the first"
fi
grep -q "pid $agent_pid" "$work/second.err" || { cat "$work/second.err" >&2; fail "the second agent did not name pid $agent_pid"; }
kill -0 "$agent_pid" || fail "the first agent died"
kill "$agent_pid"; wait "$agent_pid" || fail "the agent did not stop cleanly on SIGTERM"
agent_pid=
availability=$(mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -t lookout/ci/availability -C 1 -W 5) || true
[ "$availability" = offline ] || fail "after SIGTERM lookout/ci/availability is '$availability', not offline"
for pid in $producer_pid $broker_pid; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
producer_pid= broker_pid=
userdel lookout-ci

step "remove keeps the conffile, purge leaves nothing"
dpkg -r lookout-dbgsym lookout >/dev/null
[ -f /etc/lookout/lookout.toml ] || fail "dpkg -r removed the conffile"
[ ! -e /usr/bin/lookout ] || fail "dpkg -r left /usr/bin/lookout"
dpkg -P lookout >/dev/null
for path in /etc/lookout /var/log/zm/lookout.log /usr/share/doc/lookout /lib/systemd/system/lookout.service; do
  [ ! -e "$path" ] || fail "dpkg -P left $path"
done
! getent group lookout >/dev/null || fail "dpkg -P left group lookout"
rm -rf /run/lookout
echo "[package] all checks passed in ${SECONDS}s: lintian clean, exposure $exposure (lookout-http $http_exposure), MQTT, zmtrigger, pictures, TS channel, 20000/20000 lines through a rotation"
