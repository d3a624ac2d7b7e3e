import Foundation
import Glibc
import MariaDB

/// A MariaDB server of the test's own (its own datadir and socket under /tmp), with ZoneMinder's schema from the
/// zoneminder package's `zm_create.sql`, so fault tests can stop and restart it without touching the peer's.
final class PrivateMariaDB {
    let directory: TemporaryDirectory
    let socket: String
    private var server: Process?

    var datadir: String { directory.file("data") }

    var settings: MariaDBSettings {
        MariaDBSettings(unixSocket: socket, user: "zmuser", password: "zmpass", database: "zm", connectTimeoutSeconds: 2, readTimeoutSeconds: 5)
    }

    init() throws {
        directory = TemporaryDirectory()
        socket = directory.file("mysqld.sock")
        for tool in ["/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db", Paths.zmCreateSQL] where !FileManager.default.fileExists(atPath: tool) {
            throw Failure("\(tool) missing: install mariadb-server and zoneminder (scripts/peer.sh does)")
        }
        try FileManager.default.createDirectory(atPath: datadir, withIntermediateDirectories: true)
        _ = try run("/bin/chown", ["-R", "mysql:mysql", directory.path])
        let install = try run(
            "/usr/bin/mariadb-install-db",
            ["--no-defaults", "--user=mysql", "--datadir=\(datadir)", "--auth-root-authentication-method=socket", "--skip-test-db"])
        guard install.status == 0 else { throw Failure("mariadb-install-db failed: \(install.stdout)\(install.stderr)") }
        try start()
        let schema = try run("/bin/sh", ["-c", "mariadb --no-defaults --socket=\(socket) -u root < \(Paths.zmCreateSQL)"])
        guard schema.status == 0 else { throw Failure("loading zm_create.sql failed: \(schema.stderr)") }
        try rootSQL("CREATE USER 'zmuser'@'localhost' IDENTIFIED BY 'zmpass'; GRANT ALL ON zm.* TO 'zmuser'@'localhost';")
    }

    deinit { stop() }

    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/mariadbd")
        process.arguments = [
            "--no-defaults", "--user=mysql", "--datadir=\(datadir)", "--socket=\(socket)",
            "--pid-file=\(directory.file("mysqld.pid"))", "--skip-networking", "--log-error=\(directory.file("error.log"))",
            "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci", "--innodb-buffer-pool-size=32M",
            "--skip-log-bin", "--innodb-flush-log-at-trx-commit=2",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        server = process
        let up = waitUntil(timeout: 60) {
            (try? MariaDBConnection(MariaDBSettings(unixSocket: socket, user: "root", password: "", database: "mysql"))) != nil
                || !process.isRunning
        }
        guard up, process.isRunning else { throw Failure("mariadbd did not start: \(readText(directory.file("error.log")))") }
    }

    /// SIGTERM (a clean shutdown, as `systemctl stop` does) and wait for the process to exit.
    func stop() {
        guard let server, server.isRunning else { return }
        server.terminate()
        server.waitUntilExit()
        self.server = nil
    }

    func rootSQL(_ sql: String) throws {
        let result = try run("/usr/bin/mariadb", ["--no-defaults", "--socket=\(socket)", "-u", "root", "-e", sql])
        guard result.status == 0 else { throw Failure("SQL failed: \(sql): \(result.stderr)") }
    }

    func messages(component: String) throws -> [String] {
        let connection = try MariaDBConnection(settings)
        return try connection.query("SELECT Message FROM Logs WHERE Component = ? ORDER BY Id", [.text(component)]).map { $0[0] ?? "" }
    }
}
