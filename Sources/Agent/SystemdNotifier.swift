import Glibc

/// `sd_notify` for `Type=notify` units: READY=1, STATUS=, WATCHDOG=1. Without `$NOTIFY_SOCKET` every call is a no-op.
///
/// The protocol is one datagram per message to the AF_UNIX socket named by `$NOTIFY_SOCKET` (`@` = abstract
/// namespace), documented in sd_notify(3) as stable. Speaking it here instead of linking libsystemd keeps libsystemd
/// and what it loads (libgcrypt, liblz4, libzstd, liblzma, libcap: about 1 MiB resident) out of the agent.
struct SystemdNotifier {
    /// Half of `WatchdogSec=`, the interval systemd asks keep-alives to come at; `nil` without a watchdog.
    let watchdogInterval: Double?
    private let socketPath: String?

    init(environment: (String) -> String? = { getenv($0).map { String(cString: $0) } }) {
        socketPath = environment("NOTIFY_SOCKET").flatMap { $0.hasPrefix("/") || $0.hasPrefix("@") ? $0 : nil }
        // As sd_watchdog_enabled: WATCHDOG_USEC, unless WATCHDOG_PID names another process.
        let forUs = environment("WATCHDOG_PID").map { Int32($0) == getpid() } ?? true
        let microseconds = environment("WATCHDOG_USEC").flatMap { UInt64($0) } ?? 0
        watchdogInterval = forUs && microseconds > 0 ? Double(microseconds) / 2_000_000 : nil
    }

    func ready(status: String) { send("READY=1\nSTATUS=\(status)") }
    func status(_ text: String) { send("STATUS=\(text)") }
    func watchdog() { send("WATCHDOG=1") }
    func stopping() { send("STOPPING=1") }

    private func send(_ message: String) {
        // A newline inside STATUS would start a new assignment; the summary is one line by construction.
        guard let socketPath else { return }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count)
        var bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bytes.withUnsafeMutableBytes { sendto(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), address, length) }
            }
        }
    }
}
