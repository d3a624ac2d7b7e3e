import Foundation
import Glibc
import Synchronization
import Testing
@testable import ZMLog

/// Pins local time to UTC so expected lines can be written out (ZoneMinder formats local time).
enum UTC {
    static let pinned: Void = {
        setenv("TZ", "UTC", 1)
        tzset()
    }()
}

final class TemporaryDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "zmlog-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
}

func readText(_ path: String) -> String {
    (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
}

/// Polls `condition` until it holds or `timeout` passes (for effects that have no event to await).
func waitUntil(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(2_000)
    }
    return condition()
}

/// A unix datagram socket standing in for `/dev/log` (or the agent's socket): collects what arrives.
final class DatagramCapture: @unchecked Sendable {
    let path: String
    private let fd: Int32

    init(path: String) {
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        precondition(rc == 0, "bind \(path): \(String(cString: strerror(errno)))")
        chmod(path, 0o666)
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// The next datagram, or nil after `timeout` seconds without one.
    func next(timeout: Double = 5) -> String? {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 70000)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count < 0 ? nil : String(decoding: buffer[..<count], as: UTF8.self)
    }

    func drain(timeout: Double = 0.2) -> [String] {
        var all: [String] = []
        while let next = next(timeout: timeout) { all.append(next) }
        return all
    }
}

/// A `LogRowSink` that keeps rows in memory.
final class MemorySink: LogRowSink {
    private let stored = Mutex<[LogsRow]>([])
    var rows: [LogsRow] { stored.withLock { $0 } }
    func enqueue(_ row: LogsRow) { stored.withLock { $0.append(row) } }
    func close(drainTimeout: Double) {}
}

extension String {
    /// Replaces the date/time and `[pid]` of a ZoneMinder file line by placeholders.
    var maskingTimeAndPid: String {
        var text = self
        for pattern in [#"^\S+ \d\d:\d\d:\d\d\.\d{6}"#, #"\[\d+\]\."#] {
            if let range = text.range(of: pattern, options: .regularExpression) {
                text.replaceSubrange(range, with: pattern.hasPrefix("^") ? "<time>" : "[<pid>].")
            }
        }
        return text
    }
}
