import Dispatch
import Glibc
import LookoutJSON
import PosixThread
import Synchronization
import ZMConfig

/// ZoneMinder's `Monitors` rows and `ZM_WATCH_MAX_DELAY`, re-read from its database on a thread of their own so a
/// slow or dead MariaDB never delays a poll. The loop takes the latest result when it likes.
final class MonitorCatalog: Sendable {
    struct Contents: Sendable {
        var rows: [Int: ZMMonitorRow]
        var maxDelay: Double?
        var readAt: Double
    }

    private let latest = Mutex<Contents?>(nil)
    private let lastError = Mutex<String?>(nil)
    /// The connection's TLS cipher, "" when connected without TLS, nil while not connected.
    private let tlsCipher = Mutex<String?>(nil)
    private let stopping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let conf: ZMConfFile
    private let interval: Double

    init(conf: ZMConfFile, interval: Double) {
        self.conf = conf
        self.interval = interval
    }

    /// The newest rows, once; `nil` when nothing new was read since the last call.
    func takeUpdate() -> Contents? { latest.withLock { value in defer { value = nil }; return value } }

    var error: String? { lastError.withLock { $0 } }

    /// HEALTH's `database_tls`: the cipher, false when connected without TLS, null while not connected.
    var tlsJSON: JSONValue {
        switch tlsCipher.withLock({ $0 }) {
        case nil: .null
        case ""?: .bool(false)
        case let cipher?: .string(cipher)
        }
    }

    func start() {
        PosixThread.start(name: "lookout-zmdb") { [self] in
            var database: ZMDatabase?
            while !stopping.load(ordering: .acquiring) {
                do {
                    let connected = try database ?? ZMDatabase.connect(conf)
                    if database == nil { tlsCipher.withLock { $0 = connected.tlsCipher ?? "" } }
                    database = connected
                    var rows: [Int: ZMMonitorRow] = [:]
                    for row in try connected.monitors() { rows[row.id] = row }
                    let delay = (try? connected.configValue("ZM_WATCH_MAX_DELAY")).flatMap { $0.flatMap(Double.init) }
                    latest.withLock { $0 = Contents(rows: rows, maxDelay: delay, readAt: WallClock.seconds()) }
                    lastError.withLock { $0 = nil }
                } catch {
                    database = nil
                    tlsCipher.withLock { $0 = nil }
                    lastError.withLock { $0 = "\(error)" }
                }
                _ = wake.wait(timeout: .now() + interval)
            }
        }
    }

    func stop() {
        stopping.store(true, ordering: .releasing)
        wake.signal()
    }
}
