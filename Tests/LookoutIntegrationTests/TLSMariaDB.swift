import Foundation
import Glibc
import MariaDB

/// A MariaDB of the test's own on a loopback TCP port that takes TLS connections only (`require_secure_transport`),
/// with certificates made here by `openssl`: a CA, the server's certificate (CN 127.0.0.1) and a client
/// certificate, all signed by that CA, and a second, unrelated CA. ZoneMinder's schema from `zm_create.sql`; two
/// users log in over TCP: `zmtls` (TLS, as the server requires of everyone) and `zmx509` (only with a client
/// certificate signed by the CA, `REQUIRE X509`; MariaDB then says only "Access denied" to a client without one).
final class TLSMariaDB {
    let directory = TemporaryDirectory()
    let port: Int
    let socket: String
    private var server: Process?

    static let user = "zmtls"
    static let certificateUser = "zmx509"
    static let password = "zmtls-pass"
    static let zmCreateSQL = "/usr/share/zoneminder/db/zm_create.sql"

    func file(_ name: String) -> String { directory.path + "/" + name }
    var datadir: String { file("data") }

    struct Failure: Error, CustomStringConvertible { let description: String }

    init() throws {
        for tool in ["/usr/sbin/mariadbd", "/usr/bin/mariadb-install-db", "/usr/bin/openssl", Self.zmCreateSQL]
        where !FileManager.default.fileExists(atPath: tool) {
            throw Failure(description: "\(tool) missing: scripts/setup.sh installs mariadb-server, openssl and zoneminder")
        }
        socket = directory.path + "/mysqld.sock"
        port = try freeLoopbackPort()
        try makeCertificates()
        try FileManager.default.createDirectory(atPath: datadir, withIntermediateDirectories: true)
        chmod(directory.path, 0o755)
        try shell("chown -R mysql:mysql '\(directory.path)'")
        try shell("mariadb-install-db --no-defaults --user=mysql --datadir='\(datadir)' --auth-root-authentication-method=socket --skip-test-db")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/mariadbd")
        process.arguments = [
            "--no-defaults", "--user=mysql", "--datadir=\(datadir)", "--socket=\(socket)", "--port=\(port)", "--bind-address=127.0.0.1",
            "--pid-file=\(file("mysqld.pid"))", "--log-error=\(file("error.log"))", "--skip-log-bin", "--innodb-buffer-pool-size=32M",
            "--innodb-flush-log-at-trx-commit=2", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
            "--ssl-ca=\(file("ca.pem"))", "--ssl-cert=\(file("server-cert.pem"))", "--ssl-key=\(file("server-key.pem"))",
            "--require-secure-transport=ON",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        server = process
        let up = Peer.waitUntil(timeout: 60, every: 0.1) {
            !process.isRunning || (try? MariaDBConnection(MariaDBSettings(unixSocket: socket, user: "root", password: "", database: "mysql"))) != nil
        }
        guard up, process.isRunning else { throw Failure(description: "mariadbd did not start: \((try? String(contentsOfFile: file("error.log"), encoding: .utf8)) ?? "")") }
        try shell("mariadb --no-defaults --socket='\(socket)' -u root < \(Self.zmCreateSQL)")
        for host in ["127.0.0.1", "localhost"] {
            try rootSQL("""
                CREATE USER '\(Self.user)'@'\(host)' IDENTIFIED BY '\(Self.password)'; GRANT ALL ON zm.* TO '\(Self.user)'@'\(host)';
                CREATE USER '\(Self.certificateUser)'@'\(host)' IDENTIFIED BY '\(Self.password)' REQUIRE X509;
                GRANT ALL ON zm.* TO '\(Self.certificateUser)'@'\(host)';
                """)
        }
    }

    deinit {
        if let server, server.isRunning {
            server.terminate()
            server.waitUntilExit()
        }
        directory.cleanup()
    }

    /// CA, server and client certificates (and an unrelated CA), as an administrator would make them.
    private func makeCertificates() throws {
        let subject = "/O=Lookout test"
        try shell("""
            cd '\(directory.path)' && \
            openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '\(subject)/CN=Lookout test CA' -keyout ca-key.pem -out ca.pem && \
            openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '\(subject)/CN=Someone else CA' -keyout other-ca-key.pem -out other-ca.pem && \
            openssl req -newkey rsa:2048 -nodes -subj '\(subject)/CN=127.0.0.1' -keyout server-key.pem -out server.csr && \
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -out server-cert.pem && \
            openssl req -newkey rsa:2048 -nodes -subj '\(subject)/CN=zoneminder-box' -keyout client-key.pem -out client.csr && \
            openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 2 -out client-cert.pem
            """)
    }

    /// A zm.conf directory for this server; `ssl` adds the given ZM_DB_SSL_* lines.
    func zmConf(ssl: [String: String], user: String = TLSMariaDB.user, into directory: TemporaryDirectory) throws -> String {
        let confDirectory = directory.path + "/zm"
        try FileManager.default.createDirectory(atPath: confDirectory + "/logs", withIntermediateDirectories: true)
        let lines = [
            "ZM_DB_HOST=127.0.0.1:\(port)", "ZM_DB_NAME=zm", "ZM_DB_USER=\(user)", "ZM_DB_PASS=\(Self.password)",
            "ZM_PATH_LOGS=\(confDirectory)/logs",
        ] + ssl.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: confDirectory + "/zm.conf", atomically: true, encoding: .utf8)
        return confDirectory
    }

    var fullTLS: [String: String] {
        ["ZM_DB_SSL_CA_CERT": file("ca.pem"), "ZM_DB_SSL_CLIENT_KEY": file("client-key.pem"), "ZM_DB_SSL_CLIENT_CERT": file("client-cert.pem")]
    }

    func rootSQL(_ sql: String) throws {
        try shell("mariadb --no-defaults --socket='\(socket)' -u root -e \"\(sql)\"")
    }

    func logMessages(component: String) throws -> [String] {
        let connection = try MariaDBConnection(MariaDBSettings(unixSocket: socket, user: "root", password: "", database: "zm"))
        return try connection.query("SELECT Message FROM Logs WHERE Component = ? ORDER BY Id", [.text(component)]).map { $0[0] ?? "" }
    }

    private func shell(_ command: String) throws {
        let result = try Peer.run("/bin/sh", ["-c", command])
        guard result.status == 0 else { throw Failure(description: "\(command.prefix(200)) failed: \(result.stderr)") }
    }
}
