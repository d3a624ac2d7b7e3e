#!/usr/bin/env bash
# Brings up Lookout's test peer: a real ZoneMinder (Debian 12 package, 1.36.33) capturing three generated
# video sources, so that /dev/shm/zm.mmap.1..3, /var/log/zm/zmc_m<id>.log and the Logs/Events tables are
# written by ZoneMinder itself. No systemd is needed: a private MariaDB and one zmc per monitor run under
# start-stop-daemon, each with a pid file in /run/zm-peer; scripts/zm-peer-down.sh stops exactly those.
#
# The tests rely on these names (keep them): socket /run/zm-peer/mysqld/mysqld.sock (root by unix_socket,
# zmuser/zmpass from /etc/zm/zm.conf), database zm, /etc/zm/conf.d/99-zm-peer.conf, monitors
#   1 peer-modect  Modect  320x240 RGBA  5 buffers  30 s image loop, one motion alarm per loop
#   2 peer-mocord  Mocord  320x240 RGB   3 buffers  60 s h264 clip; at its end zmc re-creates the segment
#   3 peer-nodect  Nodect  160x120 GRAY  8 buffers  still image, alarms only when triggered
#
# Safe to run again: each step checks first, so with the peer up it only prints the summary.
# Run as root. Options (environment):
#   LOOKOUT_PEER_NO_INSTALL=1  never call apt-get; fail if a package is missing
#   LOOKOUT_PEER_RESET=1       stop our zmc, drop database zm, remove events and zmc logs, then rebuild
#   LOOKOUT_PEER_WAIT=60       seconds each segment may take to go live
set -euo pipefail

RUN=/run/zm-peer                    # pid files and the MariaDB socket directory
STATE=/var/lib/zm-peer              # MariaDB datadir and the generated media
LOGS=/var/log/zm-peer               # mariadb.err, zmc stdout/stderr
DATADIR=$STATE/mysql
MEDIA=$STATE/media
SOCKET=$RUN/mysqld/mysqld.sock
CONF=/etc/zm/conf.d/99-zm-peer.conf
MAP=/dev/shm
ZMC=/usr/bin/zmc
MARIADBD=/usr/sbin/mariadbd
WAIT=${LOOKOUT_PEER_WAIT:-60}
MONITORS=(1 2 3)

say() { printf '[peer-up %s] %s\n' "$(date +%T)" "$*"; }
fail() { say "error: $*" >&2; exit 1; }
running() { start-stop-daemon --status --pidfile "$1" --exec "$2"; }   # pid file names a live $2
[ "$(id -u)" -eq 0 ] || fail "run me as root"
started=$SECONDS

# --- packages ------------------------------------------------------------------------------------
packages=(zoneminder mariadb-server mariadb-client ffmpeg)
absent=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || absent+=("$p")
done
if [ ${#absent[@]} -gt 0 ]; then
  [ "${LOOKOUT_PEER_NO_INSTALL:-0}" = 1 ] && fail "missing packages: ${absent[*]}"
  say "installing ${absent[*]} with apt-get (a fresh machine needs about two minutes)"
  # Package scripts must not start the system MariaDB: we run a private one. policy-rc.d answering 101
  # tells invoke-rc.d "not allowed"; we add one only for this apt run and only if none exists.
  policy=/usr/sbin/policy-rc.d
  own_policy=0
  if [ ! -e $policy ]; then
    printf '#!/bin/sh\nexit 101\n' > $policy && chmod 755 $policy && own_policy=1
    trap '[ $own_policy = 1 ] && rm -f $policy' EXIT
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Another apt (a parallel build) may hold the lock: wait for it instead of failing.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${packages[@]}" >/dev/null
  if [ $own_policy = 1 ]; then rm -f $policy; trap - EXIT; fi
fi
zm_version=$(dpkg-query -W -f='${Version}' zoneminder)

# --- directories and ZoneMinder's configuration ---------------------------------------------------
install -d -m 755 "$RUN" "$STATE" "$LOGS"
install -d -m 755 -o mysql -g mysql "$RUN/mysqld"
# zmc runs as www-data and writes under these (the Debian package normally creates /run/zm via systemd).
install -d -m 755 -o www-data -g www-data /run/zm /tmp/zm /var/cache/zoneminder \
  /var/cache/zoneminder/events /var/cache/zoneminder/images /var/cache/zoneminder/temp "$MEDIA"
install -d -m 755 -o www-data -g root /var/log/zm
# ZoneMinder reads zm.conf, then conf.d/*.conf in order, the last assignment winning. "host:/path" in
# ZM_DB_HOST means a unix socket to zmc, zmu and the Perl modules alike.
conf_text="# scripts/zm-peer-up.sh (Lookout): ZoneMinder uses the test peer's private MariaDB
ZM_DB_HOST=localhost:$SOCKET
ZM_PATH_FFMPEG=/usr/bin/ffmpeg"
[ "$(cat "$CONF" 2>/dev/null)" = "$conf_text" ] || printf '%s\n' "$conf_text" > "$CONF"
# Debian ships zm.conf root:root 0640; zmc (www-data) must read it and our file.
chgrp www-data /etc/zm/zm.conf "$CONF"
chmod 640 /etc/zm/zm.conf "$CONF"
# The database name and credentials are ZoneMinder's own (zm.conf), not ours to choose.
zm_setting() {
  cat /etc/zm/zm.conf /etc/zm/conf.d/*.conf 2>/dev/null \
    | sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" | tail -n 1 | sed 's/^"\(.*\)"$/\1/'
}
db=$(zm_setting ZM_DB_NAME)
db_user=$(zm_setting ZM_DB_USER)
db_pass=$(zm_setting ZM_DB_PASS)
[ -n "$db" ] && [ -n "$db_user" ] || fail "ZM_DB_NAME / ZM_DB_USER not found in /etc/zm/zm.conf"

# --- private MariaDB (own datadir and socket, no TCP; a system MariaDB, if any, is left alone) -------
[ -e "$LOGS/mariadb.err" ] || install -m 640 -o mysql -g mysql /dev/null "$LOGS/mariadb.err"
if [ ! -d "$DATADIR/mysql" ]; then
  say "creating the MariaDB datadir $DATADIR"
  mariadb-install-db --no-defaults --user=mysql --datadir="$DATADIR" --skip-test-db \
    --auth-root-authentication-method=socket > "$LOGS/install-db.log" 2>&1 \
    || { cat "$LOGS/install-db.log" >&2; fail "mariadb-install-db failed"; }
fi
if running "$RUN/mariadbd.pid" "$MARIADBD"; then
  say "mariadbd is running (pid $(cat "$RUN/mariadbd.pid"))"
else
  say "starting mariadbd on $SOCKET"
  start-stop-daemon --start --background --make-pidfile --pidfile "$RUN/mariadbd.pid" --exec "$MARIADBD" -- \
    --no-defaults --user=mysql --datadir="$DATADIR" --socket="$SOCKET" --skip-networking \
    --pid-file="$RUN/mysqld/mysqld.pid" --log-error="$LOGS/mariadb.err" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
fi
mysql_root() { mariadb --no-defaults --socket="$SOCKET" -u root --batch --skip-column-names "$@"; }
for _ in $(seq 120); do
  mariadb-admin --no-defaults --socket="$SOCKET" -u root ping >/dev/null 2>&1 && break
  running "$RUN/mariadbd.pid" "$MARIADBD" || { tail -n 20 "$LOGS/mariadb.err" >&2; fail "mariadbd died"; }
  sleep 0.5
done
mariadb-admin --no-defaults --socket="$SOCKET" -u root ping >/dev/null 2>&1 || fail "no answer on $SOCKET"

# --- optional reset --------------------------------------------------------------------------------
if [ "${LOOKOUT_PEER_RESET:-0}" = 1 ]; then
  say "reset: stopping our zmc, dropping $db, removing events and zmc logs"
  for id in "${MONITORS[@]}"; do
    start-stop-daemon --stop --quiet --oknodo --pidfile "$RUN/zmc-m$id.pid" --exec "$ZMC" \
      --retry TERM/15/KILL/5 --remove-pidfile
    rm -f "$MAP/zm.mmap.$id"
  done
  mysql_root -e "DROP DATABASE IF EXISTS \`$db\`"
  find /var/cache/zoneminder/events -mindepth 1 -maxdepth 1 -exec rm -rf {} +
  rm -f /var/log/zm/zmc_m*.log
fi

# --- schema, user, the two settings the tests assume ------------------------------------------------
tables=$(mysql_root -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='$db' AND table_name='Monitors'")
if [ "$tables" = 0 ]; then
  say "loading ZoneMinder's schema into $db"
  # Must go through the mariadb client: zm_create.sql uses its `source` command (and names the database zm).
  mysql_root < /usr/share/zoneminder/db/zm_create.sql
fi
mysql_root <<SQL
CREATE USER IF NOT EXISTS '$db_user'@'localhost' IDENTIFIED BY '$db_pass';
ALTER USER '$db_user'@'localhost' IDENTIFIED BY '$db_pass';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, ALTER ROUTINE, INDEX, TRIGGER, LOCK TABLES
  ON \`$db\`.* TO '$db_user'@'localhost';
FLUSH PRIVILEGES;
SQL
# No authentication for zmu/zms; ZoneMinder's syslog output at its default (-1: warnings and worse).
mysql_root "$db" -e "UPDATE Config SET Value='0' WHERE Name='ZM_OPT_USE_AUTH';
  UPDATE Config SET Value='-1' WHERE Name='ZM_LOG_LEVEL_SYSLOG';"
schema=$(mysql_root "$db" -e "SELECT Value FROM Config WHERE Name='ZM_DYN_CURR_VERSION'")
case $zm_version in "$schema"*) ;; *) say "warning: schema $schema, package $zm_version (zmupdate.pl needed?)" ;; esac

# --- media: generated once; the stamp names the recipe, so a changed recipe regenerates ------------
recipe=lookout-media-1
if [ "$(cat "$MEDIA/.recipe" 2>/dev/null)" != "$recipe" ]; then
  say "generating the three sources in $MEDIA"
  render() { ffmpeg -hide_banner -loglevel error -nostdin -y "$@"; }
  rm -f "$MEDIA"/motion_*.jpg "$MEDIA/testsrc.mp4" "$MEDIA/still.jpg"
  # Monitor 1: 300 frames = 30 s at 10 fps of a dark grey field; from 10 s to 16 s a 96 px white square
  # crosses it. Every lavfi source is bounded (d=, -frames:v): an unbounded one never ends.
  field="color=c=0x404040:s=320x240:r=10:d=30[field]"
  square="color=c=white:s=96x96:r=10:d=30[square]"
  crossing="[field][square]overlay=x='mod(t*80\,224)':y=72:enable='between(t\,10\,16)':shortest=1"
  render -f lavfi -i "$field;$square;$crossing" \
    -frames:v 300 -q:v 3 "$MEDIA/motion_%03d.jpg"
  # Monitor 2: 60 s of ffmpeg's moving test pattern, h264, a keyframe every second.
  render -f lavfi -i "testsrc=size=320x240:rate=10" -frames:v 600 -c:v libx264 -preset veryfast -g 10 \
    -pix_fmt yuv420p "$MEDIA/testsrc.tmp.mp4"
  mv "$MEDIA/testsrc.tmp.mp4" "$MEDIA/testsrc.mp4"
  # Monitor 3: one still frame.
  render -f lavfi -i "testsrc2=size=160x120:rate=1" -frames:v 1 -q:v 3 "$MEDIA/still.tmp.jpg"
  mv "$MEDIA/still.tmp.jpg" "$MEDIA/still.jpg"
  echo "$recipe" > "$MEDIA/.recipe"
  chown -R www-data:www-data "$MEDIA"
fi

# --- monitors and zones --------------------------------------------------------------------------
# monitor ID NAME FUNCTION SOURCE OPTIONS W H COLOURS BUFFERS FPS ZONES SAVEJPEGS SECTION LABEL PRE POST ALARMFRAMES
# Type Ffmpeg even for images (image2 demuxer, loop=1): Type File cannot prime in 1.36.33's zmc. MaxFPS is
# what paces a file source. LabelFormat '' keeps the timestamp label from counting as motion.
monitor() {
  cat <<SQL
INSERT IGNORE INTO Monitors (Id) VALUES ($1);
UPDATE Monitors SET Name='$2', \`Function\`='$3', Path='$4', Options='$5', Width=$6, Height=$7, Colours=$8,
  ImageBufferCount=$9, MaxFPS=${10}, AlarmMaxFPS=${10}, ZoneCount=${11}, SaveJPEGs=${12}, SectionLength=${13},
  LabelFormat='${14}', LabelX=0, LabelY=0, PreEventCount=${15}, PostEventCount=${16}, AlarmFrameCount=${17},
  Type='Ffmpeg', Method='', Enabled=1, DecodingEnabled=1, ServerId=0, StorageId=1, VideoWriter=0,
  MaxImageBufferCount=0, WarmupCount=0, FPSReportInterval=$(( ${10} * 10 ))
  WHERE Id=$1;
SQL
}
# zone MONITOR MIN_ALARM_PIXELS: one 'All' zone over the whole 320x240 frame, pixel units.
zone() {
  cat <<SQL
INSERT INTO Zones (MonitorId, Name, Coords) SELECT $1, 'All', '' FROM DUAL
  WHERE NOT EXISTS (SELECT 1 FROM Zones WHERE MonitorId=$1 AND Name='All');
UPDATE Zones SET Type='Active', Units='Pixels', NumCoords=4, Coords='0,0 319,0 319,239 0,239', Area=76800,
  AlarmRGB=16711680, CheckMethod='AlarmedPixels', MinPixelThreshold=25, MaxPixelThreshold=NULL,
  MinAlarmPixels=$2, MaxAlarmPixels=NULL WHERE MonitorId=$1 AND Name='All';
SQL
}
{
  monitor 1 peer-modect Modect "$MEDIA/motion_%03d.jpg" 'loop=1,framerate=10' 320 240 4 5 10 1 0 600 '' 5 10 3
  monitor 2 peer-mocord Mocord "$MEDIA/testsrc.mp4" '' 320 240 3 3 10 1 0 60 '%N - %y/%m/%d %H:%M:%S' 3 5 1
  monitor 3 peer-nodect Nodect "$MEDIA/still.jpg" 'loop=1,framerate=5' 160 120 1 8 5 0 1 600 '' 2 5 1
  echo "DELETE FROM Zones WHERE MonitorId IN (1, 2, 3) AND NOT (MonitorId IN (1, 2) AND Name='All');"
  zone 1 500
  zone 2 3000
} | mysql_root "$db"

# --- one zmc per monitor, as www-data ------------------------------------------------------------
for id in "${MONITORS[@]}"; do
  pidfile=$RUN/zmc-m$id.pid
  if running "$pidfile" "$ZMC"; then
    say "zmc -m $id is running (pid $(cat "$pidfile"))"
    continue
  fi
  # A segment without its zmc is stale (e.g. a zmc killed hard); zmc creates a fresh one.
  rm -f "$MAP/zm.mmap.$id"
  say "starting zmc -m $id"
  # LOG_FLUSH=1: otherwise ZoneMinder's file log is written in 4 KB stdio chunks, behind the Logs table.
  LOG_FLUSH=1 start-stop-daemon --start --background --make-pidfile --pidfile "$pidfile" \
    --chuid www-data:www-data --output "$LOGS/zmc-m$id.out" --exec "$ZMC" -- -m "$id"
done

# --- wait until every segment is live ------------------------------------------------------------
# Read with od: u32 size at 0 tells the layout (docs/zm-shm-layouts.md); live = valid byte 1 and a
# heartbeat (1.36+: zmc_heartbeat_time) that is set.
peek() { od -An -v -t "$2" -j "$3" -N "$4" "$1" 2>/dev/null | tr -d ' '; }
for id in "${MONITORS[@]}"; do
  segment=$MAP/zm.mmap.$id
  live=0
  for _ in $(seq $(( WAIT * 5 ))); do
    case $(peek "$segment" u4 0 4) in
      760) at=(68 96) ;;
      768) at=(76 104) ;;
      872 | 888) at=(92 120) ;;
      *) at=() ;;
    esac
    if [ ${#at[@]} -eq 2 ] && [ "$(peek "$segment" u1 "${at[0]}" 1)" = 1 ] \
      && [ "$(peek "$segment" d8 "${at[1]}" 8)" -gt 0 ] 2>/dev/null; then
      live=1
      break
    fi
    running "$RUN/zmc-m$id.pid" "$ZMC" || break
    sleep 0.2
  done
  if [ $live = 0 ]; then
    tail -n 5 "/var/log/zm/zmc_m$id.log" >&2 2>/dev/null || true
    fail "monitor $id: $segment is not live after ${WAIT} s"
  fi
done

# --- summary -------------------------------------------------------------------------------------
say "peer up in $(( SECONDS - started )) s: zoneminder $zm_version, mariadbd pid $(cat "$RUN/mariadbd.pid"), socket $SOCKET, database $db"
for id in "${MONITORS[@]}"; do
  printf '  monitor %s  zmc pid %-7s %s  %s bytes\n' "$id" "$(cat "$RUN/zmc-m$id.pid")" \
    "$MAP/zm.mmap.$id" "$(stat -c %s "$MAP/zm.mmap.$id")"
done
say "logs: /var/log/zm/zmc_m<id>.log, table $db.Logs, $LOGS; stop with scripts/zm-peer-down.sh"
