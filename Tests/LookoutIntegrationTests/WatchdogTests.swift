import Dispatch
import Foundation
import Testing

/// WATCHDOG=1 is sent only by a loop that polls: stalled where it polls (debug builds' LOOKOUT_TEST_STALL_FILE), the
/// agent falls silent, and the keep-alives resume when it polls again.
@Suite("the watchdog tells the truth", .serialized)
struct WatchdogTests {
    @Test("a stalled poll loop stops WATCHDOG=1; polling again resumes it")
    func stalledLoopStopsKeepAlives() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let socketPath = directory.path + "/notify"
        let stallFile = directory.path + "/stall"
        let listener = try NotifyListener(path: socketPath)
        // WatchdogSec=1: keep-alives due every 0.5 s.
        let agent = try AgentProcess(
            toml: "[demo]\nmonitors = 1\n",
            environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "1000000", "LOOKOUT_TEST_STALL_FILE": stallFile],
            directory: directory)
        defer { agent.terminate() }
        func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        var pings: [Double] = []
        func drain() {
            while let datagram = listener.receive() {
                if datagram == "WATCHDOG=1" { pings.append(now()) }
            }
        }
        try #require(Peer.waitUntil(timeout: 30, every: 0.01) {
            drain()
            return pings.count >= 3
        }, "no keep-alives before the stall")

        _ = FileManager.default.createFile(atPath: stallFile, contents: nil)
        let stalledAt = now()
        _ = Peer.waitUntil(timeout: 3, every: 0.01) {
            drain()
            return false
        }
        let during = pings.filter { $0 > stalledAt + 0.6 }
        #expect(during.isEmpty, "keep-alives while the loop stood still: \(during.map { $0 - stalledAt })")
        // HEALTH is answered by the same loop: a stalled loop does not answer either, and the plugin says so.
        let check = try Peer.run(Peer.lookout, ["check", "--control", agent.control, "--timeout", "2", "--no-database"])
        #expect(check.stdout.contains("no answer from \(agent.control) in 1 s: segments read directly"), "\(check.stdout)")

        try FileManager.default.removeItem(atPath: stallFile)
        let resumedAt = now()
        #expect(Peer.waitUntil(timeout: 10, every: 0.01) {
            drain()
            return pings.contains { $0 > resumedAt }
        }, "keep-alives did not resume")
        #expect(agent.process.isRunning)
    }
}
