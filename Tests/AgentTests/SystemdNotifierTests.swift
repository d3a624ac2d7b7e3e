@testable import Agent
import Glibc
import Testing

@Suite("systemd notifications")
struct SystemdNotifierTests {
    @Test("messages reach the socket $NOTIFY_SOCKET names; the watchdog interval is half WATCHDOG_USEC")
    func datagrams() throws {
        let path = "/tmp/lookout-notify-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let receiver = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(receiver >= 0)
        defer { close(receiver); unlink(path) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(receiver, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        try #require(bound == 0)

        let environment = ["NOTIFY_SOCKET": path, "WATCHDOG_USEC": "4000000", "WATCHDOG_PID": String(getpid())]
        let notifier = SystemdNotifier(environment: { environment[$0] })
        #expect(notifier.watchdogInterval == 2)
        notifier.ready(status: "zm: 3 monitors")
        notifier.watchdog()
        var buffer = [UInt8](repeating: 0, count: 256)
        var received: [String] = []
        for _ in 0..<2 {
            let count = recv(receiver, &buffer, buffer.count, 0)
            try #require(count > 0)
            received.append(String(decoding: buffer[..<count], as: UTF8.self))
        }
        #expect(received == ["READY=1\nSTATUS=zm: 3 monitors", "WATCHDOG=1"])
    }

    @Test("no NOTIFY_SOCKET: silent; another process's WATCHDOG_PID: no watchdog")
    func absent() {
        let notifier = SystemdNotifier(environment: { ["WATCHDOG_USEC": "4000000", "WATCHDOG_PID": "1"][$0] })
        #expect(notifier.watchdogInterval == nil)
        notifier.ready(status: "nothing listens")
    }
}
