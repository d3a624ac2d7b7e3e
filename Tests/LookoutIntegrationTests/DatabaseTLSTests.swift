import Foundation
import Testing

/// zm.conf's ZM_DB_SSL_* against a MariaDB that takes TLS only: `zmlog` and the agent write `Logs` rows with them
/// and are refused, saying why, without them, with the wrong CA, or without the client certificate.
@Suite("MariaDB over TLS from zm.conf", .serialized)
struct DatabaseTLSTests {
    static let zmlog = Peer.packageRoot + "/.build/debug/zmlog"

    func zmlog(_ conf: String, id: String, _ message: String) throws -> Peer.Output {
        try Peer.run(Self.zmlog, ["--id", id, "--no-agent", "--conf-dir", conf, "--drain-timeout", "5", message],
                     environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
    }

    func component(_ prefix: String) -> String { prefix + String(UUID().uuidString.prefix(6)).lowercased() }

    @Test("zmlog writes Logs rows with the CA, client key and certificate; without ZM_DB_SSL_* it is refused and told that the connection was not encrypted, with another CA the certificate fails verification, without the client certificate the user is denied")
    func zmlogOverTLS() throws {
        let server = try TLSMariaDB()
        let work = TemporaryDirectory()
        defer { work.cleanup() }

        let good = component("tls_ok_")
        let written = try zmlog(try server.zmConf(ssl: server.fullTLS, user: TLSMariaDB.certificateUser, into: work), id: good, "over TLS")
        #expect(written.status == 0, "\(written.stderr)")
        #expect(try server.logMessages(component: good) == ["over TLS"])

        let cases: [(name: String, ssl: [String: String], user: String, expected: String)] = [
            ("plain", [:], TLSMariaDB.user, "this connection is not encrypted (no ZM_DB_SSL_CA_CERT in zm.conf)"),
            ("other CA", ["ZM_DB_SSL_CA_CERT": server.file("other-ca.pem"), "ZM_DB_SSL_CLIENT_KEY": server.file("client-key.pem"),
                          "ZM_DB_SSL_CLIENT_CERT": server.file("client-cert.pem")], TLSMariaDB.certificateUser, "certificate"),
            ("no client certificate", ["ZM_DB_SSL_CA_CERT": server.file("ca.pem")], TLSMariaDB.certificateUser, "Access denied"),
        ]
        for refused in cases {
            let directory = TemporaryDirectory()
            defer { directory.cleanup() }
            let id = component("tls_no_")
            let result = try zmlog(try server.zmConf(ssl: refused.ssl, user: refused.user, into: directory), id: id, "must not arrive")
            #expect(result.stderr.contains(refused.expected), "\(refused.name): \(result.stderr)")
            #expect(try server.logMessages(component: id).isEmpty, "\(refused.name)")
        }
    }

    @Test("against the peer's database (a unix socket, no ZM_DB_SSL_*), HEALTH says the connection is not encrypted")
    func clearIsSaid() throws {
        try Peer.require()
        let agent = try AgentProcess(arguments: ["--map-dir", Peer.mapDirectory])
        defer {
            agent.terminate()
            agent.directory.cleanup()
        }
        _ = try agent.waitReady()
        var health: [String: Any] = [:]
        let connected = Peer.waitUntil(timeout: 30, every: 0.2) {
            health = BusClient.object(((try? BusClient.request(agent.control, ["HEALTH"])) ?? []).last ?? "") ?? [:]
            return health["database_tls"] is Bool
        }
        #expect(connected, "database_tls: \(health["database_tls"] ?? "nil")")
        #expect(health["database_tls"] as? Bool == false)
        #expect(health["database"] as? String == "ok")
    }

    @Test("the agent's log rows and Monitors reads go over TLS and HEALTH names the cipher; without ZM_DB_SSL_* HEALTH reports the refusal")
    func agentOverTLS() throws {
        let server = try TLSMariaDB()
        for tls in [true, false] {
            let directory = TemporaryDirectory()
            defer { directory.cleanup() }
            let conf = try server.zmConf(ssl: tls ? server.fullTLS : [:], user: tls ? TLSMariaDB.certificateUser : TLSMariaDB.user, into: directory)
            let maps = directory.path + "/maps"
            try FileManager.default.createDirectory(atPath: maps, withIntermediateDirectories: true)
            let id = component("lookout_tls_")
            let agent = try AgentProcess(toml: """
                [zoneminder]
                config_dir = "\(conf)"
                map_dir = "\(maps)"
                [log]
                id = "\(id)"
                socket = "\(directory.path)/log.sock"

                """, arguments: [], directory: directory)
            defer { agent.terminate() }
            _ = try agent.waitReady()
            var health: [String: Any] = [:]
            let settled = Peer.waitUntil(timeout: 30, every: 0.2) {
                health = BusClient.object(((try? BusClient.request(agent.control, ["HEALTH"])) ?? []).last ?? "") ?? [:]
                return tls ? health["database_tls"] is String : (health["database"] as? String)?.contains("not encrypted (no ZM_DB_SSL_CA_CERT in zm.conf)") == true
            }
            #expect(settled, "tls \(tls): HEALTH database \(health["database"] ?? "nil"), database_tls \(health["database_tls"] ?? "nil")")
            if tls {
                #expect(health["database"] as? String == "ok")
                let rows = Peer.waitUntil(timeout: 30, every: 0.2) { ((try? server.logMessages(component: id)) ?? []).contains { $0.hasPrefix("ready") } }
                #expect(rows, "the agent's 'ready' line in Logs over TLS")
                let log = (health["log"] as? [String: Any])?["database"] as? [String: Any]
                #expect(log?["tls_cipher"] is String, "log.database: \(log ?? [:])")
            } else {
                #expect(health["database_tls"] is NSNull)
                #expect(try server.logMessages(component: id).isEmpty)
            }
        }
    }
}
