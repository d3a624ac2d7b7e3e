#!/usr/bin/env bash
# Stops what scripts/zm-peer-up.sh started, and nothing else: each process is named by its pid file in
# /run/zm-peer and signalled only if that pid still runs the expected executable (start-stop-daemon
# --pidfile --exec), so no process is ever chosen by name. Data stays (datadir, media, events, logs);
# zm-peer-up.sh brings the same peer back.
# Run as root. LOOKOUT_PEER_KEEP_DB=1 stops only the zmc processes and leaves mariadbd running.
set -euo pipefail

RUN=/run/zm-peer
MAP=/dev/shm

say() { printf '[peer-down %s] %s\n' "$(date +%T)" "$*"; }
[ "$(id -u)" -eq 0 ] || { say "run me as root" >&2; exit 1; }

# stop PIDFILE EXECUTABLE WHAT RETRY: TERM, wait, then KILL per RETRY; removes the pid file.
stop() {
  local pidfile=$1 exe=$2 what=$3 retry=$4 pid
  [ -e "$pidfile" ] || return 0
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if start-stop-daemon --status --pidfile "$pidfile" --exec "$exe"; then
    say "stopping $what (pid $pid)"
    start-stop-daemon --stop --quiet --pidfile "$pidfile" --exec "$exe" --retry "$retry" --remove-pidfile \
      || say "warning: $what (pid $pid) is still running"
  else
    say "$what was not running; removing the stale $pidfile"
    rm -f "$pidfile"
  fi
}

for pidfile in "$RUN"/zmc-m*.pid; do
  [ -e "$pidfile" ] || continue
  id=${pidfile##*/zmc-m}
  id=${id%.pid}
  stop "$pidfile" /usr/bin/zmc "zmc -m $id" TERM/15/KILL/5
  # zmc removes its segment when it exits cleanly; after a KILL the file would stay behind.
  [ -e "$pidfile" ] || rm -f "$MAP/zm.mmap.$id"
done
# zmc first: it keeps a database connection open until it exits.
if [ "${LOOKOUT_PEER_KEEP_DB:-0}" != 1 ]; then
  stop "$RUN/mariadbd.pid" /usr/sbin/mariadbd mariadbd TERM/60/KILL/5
fi
say "done"
