import Foundation
import Testing

/// A real Mosquitto broker (Debian's `mosquitto`) on a free loopback port with its own configuration, no persistence:
/// a restart loses every retained message, as a broker without a database would.
final class MosquittoBroker {
    let directory = TemporaryDirectory()
    let port: Int
    private var process: Process?

    /// The TLS listener with passwords, when made with `secure: true`: the CA that signed its certificate and the
    /// one user's name and password. `port` stays a plain anonymous listener for the test's own client.
    private(set) var securePort: Int?
    var caFile: String { "\(directory.path)/ca.pem" }
    let username = "nvr-test"
    let password = "s3cret pass"

    init(port: Int? = nil, secure: Bool = false) throws {
        self.port = port ?? Self.freePort()
        var config = """
            per_listener_settings true
            persistence false
            listener \(self.port) 127.0.0.1
            allow_anonymous true

            """
        if secure {
            let securePort = Self.freePort()
            self.securePort = securePort
            try makeCertificatesAndPasswords()
            config += """
                listener \(securePort) 127.0.0.1
                allow_anonymous false
                password_file \(directory.path)/passwd
                cafile \(directory.path)/ca.pem
                certfile \(directory.path)/server.pem
                keyfile \(directory.path)/server.key

                """
        }
        try config.write(toFile: "\(directory.path)/mosquitto.conf", atomically: true, encoding: .utf8)
        try start()
    }

    /// A throw-away CA, a server certificate for 127.0.0.1 signed by it, and a password file (openssl, mosquitto_passwd).
    /// libmosquitto checks the host as a DNS name, so the certificate names 127.0.0.1 as one as well as an IP address.
    private func makeCertificatesAndPasswords() throws {
        let script = """
            set -e
            cd '\(directory.path)'
            openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -subj /CN=lookout-test-ca -days 2 2>/dev/null
            openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1 2>/dev/null
            printf 'subjectAltName=DNS:127.0.0.1,IP:127.0.0.1\\n' > san.ext
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile san.ext 2>/dev/null
            touch passwd
            mosquitto_passwd -b passwd '\(username)' '\(password)'
            chmod 0644 server.key passwd
            """
        let made = try Peer.run("/bin/sh", ["-c", script])
        #expect(made.status == 0, "certificates: \(made.stderr)")
    }

    deinit {
        stop()
        directory.cleanup()
    }

    func start() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/mosquitto")
        process.arguments = ["-c", "\(directory.path)/mosquitto.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let up = Peer.waitUntil(timeout: 10, every: 0.05) { Self.accepts(port: port) }
        #expect(up, "mosquitto did not listen on \(port)")
    }

    /// SIGKILL: a child started from a Dispatch worker inherits its blocked signals, SIGTERM included.
    func stop() {
        guard let process, process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    func signal(_ number: Int32) {
        if let process { kill(process.processIdentifier, number) }
    }

    static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    /// A port the kernel just handed out and that is free again.
    static func freePort() -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = bind(socket, $0, length)
                _ = getsockname(socket, $0, &length)
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A TCP listener that completes handshakes (the kernel does) and never reads or answers: a broker that is there and
/// never acknowledges anything.
final class SilentBroker {
    let port: Int
    private let socket: Int32

    init() {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.socket = socket
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                _ = bind(socket, $0, length)
                _ = getsockname(socket, $0, &length)
            }
        }
        listen(socket, 16)
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(socket) }
}

/// Runs `Tests/python/mqtt_client.py` (paho-mqtt under Debian's /usr/bin/python3): an independent MQTT client.
enum MQTTClient {
    static let script = Peer.packageRoot + "/Tests/python/mqtt_client.py"

    /// Every retained message under `patterns`, as the broker holds them now.
    static func retained(port: Int, _ patterns: [String]) throws -> [String: String] {
        let output = try Peer.run("/usr/bin/python3", [script, "retained", "--port", "\(port)"] + patterns)
        #expect(output.status == 0, "retained: \(output.stderr)")
        return (try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: String]) ?? [:]
    }

    struct Message {
        let topic: String
        let payload: String
        let retain: Bool
        var json: [String: Any] { BusClient.object(payload) ?? [:] }
    }

    /// Subscribes, publishes `publish` once subscribed, and returns what arrived once every `until` (TOPIC=TEXT) was
    /// seen; `completed` is false when `timeout` passed first.
    static func watch(
        port: Int, _ patterns: [String], until: [String], publish: (String, String)? = nil, skipRetained: Bool = false,
        timeout: Double = 60
    ) throws -> (completed: Bool, messages: [Message]) {
        var arguments = [script, "watch", "--port", "\(port)", "--timeout", "\(timeout)"]
        for condition in until { arguments += ["--until", condition] }
        if let publish { arguments += ["--publish", publish.0, publish.1] }
        if skipRetained { arguments.append("--skip-retained") }
        let output = try Peer.run("/usr/bin/python3", arguments + patterns)
        let list = (try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]]) ?? []
        let messages = list.compactMap { item -> Message? in
            guard let topic = item["topic"] as? String, let payload = item["payload"] as? String else { return nil }
            return Message(topic: topic, payload: payload, retain: item["retain"] as? Bool ?? false)
        }
        return (output.status == 0, messages)
    }
}

extension AgentProcess {
    /// The agent's HEALTH as an object.
    func health() -> [String: Any] {
        BusClient.object((try? BusClient.request(control, ["HEALTH"]))?.last ?? "") ?? [:]
    }

    func mqttHealth() -> [String: Any] { health()["mqtt"] as? [String: Any] ?? [:] }
}
