#!/usr/bin/env python3
"""Sends the same zmtrigger lines to ZoneMinder's own zmtrigger.pl and to Lookout's listener and compares what a
panel sees on the connection (the on/off notices) and what each logs (ZoneMinder's Logs table).

Needs root, the test peer (scripts/peer.sh) and a debug build (swift build). zmtrigger.pl hard-codes TCP port 6802
and the unix socket $ZM_PATH_SOCKS/zmtrigger.sock: a copy with a private port and socket path runs here (perl -T),
against the peer's database and segments, and is stopped at the end. Lookout's agent runs on private endpoints.

    scripts/zmtrigger-compare.py [--lookout .build/debug/lookout]

Prints both transcripts side by side; exits 1 when they differ beyond times and event ids.
"""
import argparse, os, re, signal, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOCKET = "/run/zm-peer/mysqld/mysqld.sock"
# Log lines of zmtrigger.pl's vocabulary (its start-up and Debug lines, and Lookout's own, are not compared).
VOCABULARY = re.compile(r"^(Trigger '|Found action|Cancelled event|Updated show text|Can't find monitor|"
                        r"Triggering on with invalid|Unrecognised action|Set monitor to|Found duplicate action)")
SCENARIOS = [
    ("timed alarm", ["3|on+5|255|door|front door|"], r"^3\|off\|", 90),
    ("bad lines and show", ["99|on|5|x", "abc|on|5|x", "3|on|0|nothing", "3|dance|1", "3|show||||panel 42", "3|show"], None, 3),
    ("on, then off", ["3|on|10|manual|held"], r"^3\|on\|", 30),
    ("", ["3|off"], r"^3\|off\|", 60),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sql(query):
    out = subprocess.run(["mariadb", "--no-defaults", f"--socket={SOCKET}", "-u", "root", "zm", "--batch", "--skip-column-names",
                          "-e", query], capture_output=True, text=True, check=True).stdout
    return [line for line in out.split("\n") if line]


def wait_port(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited early ({process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing listens on {port}")


def session(port, lines, until, seconds):
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"".join(line.encode() + b"\n" for line in lines))
    deadline, buffer = time.monotonic() + seconds, b""
    pattern = re.compile(until) if until else None
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            data = sock.recv(4096)
        except socket.timeout:
            break
        if not data:
            break
        buffer += data
        if pattern and any(pattern.search(l) for l in buffer.decode().split("\n") if l.startswith("3|")):
            break
    sock.close()
    # Monitor 3 only (monitor 1 alarms on its own); times and event ids differ by nature.
    return [re.sub(r"^3\|(on|off)\|\d+\|\d+$", r"3|\1|<time>|<event>", l) for l in buffer.decode().split("\n") if l.startswith("3|")]


def run_scenarios(port, component, first_log_id):
    transcript = []
    for name, lines, until, seconds in SCENARIOS:
        if name:
            transcript.append(f"## {name}")
        transcript += [f"> {l}" for l in lines]
        transcript += [f"< {n}" for n in session(port, lines, until, seconds)]
        time.sleep(1.5)  # zmtrigger.pl handles a connection's lines on its next 0.25 s select; give both time to log
    time.sleep(3)
    messages = sql(f"SELECT Message FROM Logs WHERE Component = '{component}' AND Id > {first_log_id} ORDER BY Id")
    return transcript, [m for m in messages if VOCABULARY.match(m)]


def zoneminder(port, work):
    script = open("/usr/bin/zmtrigger.pl").read()
    script = script.replace("port=>6802", f"port=>{port}")
    script = script.replace("$Config{ZM_PATH_SOCKS}.'/zmtrigger.sock'", f"'{work}/zmtrigger.sock'")
    path = os.path.join(work, "zmtrigger.pl")  # its log Component comes from the file name
    open(path, "w").write(script)
    process = subprocess.Popen(["perl", "-wT", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port, process)
    return process


def lookout(binary, port, work, component):
    config = os.path.join(work, "lookout.toml")
    open(config, "w").write(f'[control]\nallow_commands = true\n[zmtrigger]\nlisten = "127.0.0.1:{port}"\n'
                            f'[log]\nid = "{component}"\nsocket = "{work}/log.sock"\n')
    process = subprocess.Popen([binary, "run", "--config", config, "--pub", f"ipc://{work}/state.pub",
                                "--control", f"ipc://{work}/control", "--map-dir", "/dev/shm"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port, process)
    time.sleep(2)  # the listener asks for every monitor's state (SNAPSHOT) at start, as zmtrigger.pl loads them
    return process


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lookout", default=os.path.join(ROOT, ".build/debug/lookout"))
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root (zmtrigger.pl maps the peer's segments read-write)")
    if not os.path.exists("/dev/shm/zm.mmap.3"):
        raise SystemExit("the ZoneMinder peer is not running: scripts/peer.sh")
    results = {}
    with tempfile.TemporaryDirectory(prefix="zmtrigger-compare-") as work:
        os.chmod(work, 0o755)
        first = int(sql("SELECT COALESCE(MAX(Id), 0) FROM Logs")[0])
        zm_port = free_port()
        zmtrigger = zoneminder(zm_port, work)
        try:
            results["zmtrigger.pl"] = run_scenarios(zm_port, "zmtrigger", first)
        finally:
            stop(zmtrigger)
        component = f"lookout_cmp_{os.getpid()}"
        first = int(sql("SELECT COALESCE(MAX(Id), 0) FROM Logs")[0])
        port = free_port()
        agent = lookout(args.lookout, port, work, component)
        try:
            results["lookout"] = run_scenarios(port, component, first)
        finally:
            stop(agent)
    (zm_transcript, zm_logs), (lo_transcript, lo_logs) = results["zmtrigger.pl"], results["lookout"]
    width = max(len(l) for l in zm_transcript + zm_logs + ["zmtrigger.pl"]) + 2
    print(f"{'zmtrigger.pl':<{width}}lookout")
    for section, left, right in (("connection", zm_transcript, lo_transcript), ("log", zm_logs, lo_logs)):
        print(f"--- {section}")
        for index in range(max(len(left), len(right))):
            a = left[index] if index < len(left) else ""
            b = right[index] if index < len(right) else ""
            print(f"{a:<{width}}{b}{'' if a == b else '   <-- differs'}")
    same = zm_transcript == lo_transcript and zm_logs == lo_logs
    print("same" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
