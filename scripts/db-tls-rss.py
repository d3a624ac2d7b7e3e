#!/usr/bin/env python3
"""Resident set of lookout-agent with its database over TLS versus in clear, in the same run (docs/performance.md).

Starts a private MariaDB on a loopback port with TLS available (not required) and certificates made by openssl,
then starts the agent --runs times with a zm.conf without ZM_DB_SSL_* and --runs times with them, alternating.
Each agent follows no monitor (an empty map directory) but connects for its Monitors reads and Logs rows; VmRSS is
read --settle seconds after HEALTH shows the database connected (database_tls false, or the cipher).

    scripts/db-tls-rss.py [--agent .build/release/lookout-agent] [--runs 3] [--settle 5]

Needs root (mariadbd runs as mysql), pyzmq, mariadb-server, openssl.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
import zmq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sh(command):
    subprocess.run(command, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_mariadb(work):
    sh(f"""cd {work} && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=rss CA' -keyout ca-key.pem -out ca.pem &&
           openssl req -newkey rsa:2048 -nodes -subj '/CN=127.0.0.1' -keyout server-key.pem -out server.csr &&
           openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -out server-cert.pem &&
           mkdir data && chown -R mysql:mysql {work} && chmod 755 {work} &&
           mariadb-install-db --no-defaults --user=mysql --datadir={work}/data --auth-root-authentication-method=socket --skip-test-db""")
    port = free_port()
    server = subprocess.Popen(["/usr/sbin/mariadbd", "--no-defaults", "--user=mysql", f"--datadir={work}/data", f"--socket={work}/s.sock",
                               f"--port={port}", "--bind-address=127.0.0.1", f"--pid-file={work}/m.pid", f"--log-error={work}/err.log",
                               "--skip-log-bin", "--innodb-buffer-pool-size=32M", f"--ssl-ca={work}/ca.pem",
                               f"--ssl-cert={work}/server-cert.pem", f"--ssl-key={work}/server-key.pem"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        if subprocess.run(["mariadb-admin", "--no-defaults", f"--socket={work}/s.sock", "-u", "root", "ping"],
                          capture_output=True).returncode == 0:
            break
        time.sleep(0.2)
    sh(f"mariadb --no-defaults --socket={work}/s.sock -u root < /usr/share/zoneminder/db/zm_create.sql")
    sh(f"""mariadb --no-defaults --socket={work}/s.sock -u root -e "CREATE USER 'rss'@'%' IDENTIFIED BY 'rss'; GRANT ALL ON zm.* TO 'rss'@'%';" """)
    return server, port


def measure(agent, work, port, tls, settle, index):
    run = os.path.join(work, f"run{index}")
    os.makedirs(run + "/zm/logs")
    os.makedirs(run + "/maps")
    lines = [f"ZM_DB_HOST=127.0.0.1:{port}", "ZM_DB_NAME=zm", "ZM_DB_USER=rss", "ZM_DB_PASS=rss", f"ZM_PATH_LOGS={run}/zm/logs"]
    if tls:
        lines.append(f"ZM_DB_SSL_CA_CERT={work}/ca.pem")
    open(run + "/zm/zm.conf", "w").write("\n".join(lines) + "\n")
    open(run + "/lookout.toml", "w").write(f'[zoneminder]\nconfig_dir = "{run}/zm"\nmap_dir = "{run}/maps"\n'
                                           f'[log]\nid = "rss{index}"\nsocket = "{run}/log.sock"\n')
    process = subprocess.Popen([agent, "run", "--config", f"{run}/lookout.toml", "--pub", f"ipc://{run}/pub", "--control", f"ipc://{run}/control"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context = zmq.Context.instance()
    socket = context.socket(zmq.REQ)
    socket.setsockopt(zmq.RCVTIMEO, 2000)
    socket.setsockopt(zmq.LINGER, 0)
    socket.connect(f"ipc://{run}/control")
    health, deadline = {}, time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.send_multipart([b"HEALTH"])
            health = json.loads(socket.recv_multipart()[1])
        except zmq.Again:
            socket.close()
            socket = context.socket(zmq.REQ)
            socket.setsockopt(zmq.RCVTIMEO, 2000)
            socket.setsockopt(zmq.LINGER, 0)
            socket.connect(f"ipc://{run}/control")
        if health.get("database") == "ok" and health.get("database_tls") is not None:
            break
        time.sleep(0.2)
    time.sleep(settle)
    rss = next(int(l.split()[1]) for l in open(f"/proc/{process.pid}/status") if l.startswith("VmRSS:"))
    socket.close()
    process.terminate()
    process.wait(10)
    return rss, health.get("database_tls")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--agent", default=os.path.join(ROOT, ".build/release/lookout"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--settle", type=float, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lookout-tls-rss-") as work:
        server, port = start_mariadb(work)
        try:
            results = {False: [], True: []}
            ciphers = set()
            for index in range(args.runs * 2):
                tls = index % 2 == 1
                rss, cipher = measure(args.agent, work, port, tls, args.settle, index)
                results[tls].append(rss)
                ciphers.add(str(cipher))
        finally:
            server.terminate()
            server.wait(30)
    load = open("/proc/loadavg").read().split()[:3]
    for tls in (False, True):
        values = results[tls]
        print(f"{'TLS  ' if tls else 'clear'} VmRSS KiB min {min(values)} median {statistics.median(values):.0f} max {max(values)}  ({values})")
    print(f"TLS - clear (medians): {statistics.median(results[True]) - statistics.median(results[False]):+.0f} KiB; "
          f"database_tls seen: {sorted(ciphers)}; load average {' '.join(load)}")


if __name__ == "__main__":
    sys.exit(main())
