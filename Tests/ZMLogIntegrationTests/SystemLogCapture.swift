import Foundation
import Glibc
import ZMLogTestSupport

/// Captures what ZoneMinder's own programs send to `/dev/log` (glibc's fixed syslog path).
///
/// When nothing is at `/dev/log` (no syslog daemon, as on CI machines), the capture socket is bound there for the
/// duration of the test. When something is, the programs run in a private mount namespace (`unshare -m`) where the
/// capture socket is bind-mounted over `/dev/log`, so the machine's syslog is never disturbed.
final class SystemLogCapture {
    let capture: DatagramCapture
    private let directory = TemporaryDirectory()
    private let ownsDevLog: Bool

    init() throws {
        var status = stat()
        if lstat("/dev/log", &status) != 0 {
            capture = try DatagramCapture(path: "/dev/log")
            ownsDevLog = true
        } else {
            capture = try DatagramCapture(path: directory.file("devlog.sock"))
            ownsDevLog = false
        }
    }

    /// Runs `executable` so that its syslog datagrams reach `capture`.
    func run(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> ProcessOutput {
        if ownsDevLog {
            return try ZMLogIntegrationTests.run(executable, arguments, environment: environment)
        }
        return try ZMLogIntegrationTests.run(
            "/usr/bin/unshare",
            ["-m", "/bin/sh", "-c", "mount --bind \"$0\" /dev/log && exec \"$@\"", capture.path, executable] + arguments,
            environment: environment)
    }
}
