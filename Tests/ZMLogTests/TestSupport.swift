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

/// A small tmpfs of the test's own, for a full disk: `fill()` takes every free page, `free()` gives them back.
/// Needs root (CI runs the tests as root); the test fails, naming why, otherwise.
final class SmallDisk {
    let path: String
    private var filler: String { path + "/.filler" }

    init(kilobytes: Int = 256) throws {
        path = NSTemporaryDirectory() + "zmlog-disk-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", path]
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else {
            try? FileManager.default.removeItem(atPath: path)
            throw SmallDiskError(description: "mount -t tmpfs failed (status \(mount.terminationStatus)): run the tests as root")
        }
    }

    deinit {
        umount2(path, Int32(MNT_DETACH))
        rmdir(path)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// Writes a filler file until the disk is full.
    func fill() {
        let fd = open(filler, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        defer { close(fd) }
        let page = [UInt8](repeating: 0x2E, count: 4096)
        while page.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
    }

    func free() { unlink(filler) }
}

struct SmallDiskError: Error, CustomStringConvertible {
    let description: String
}

/// A C++-flavour file line, whole: `<date> <time>.<usec> <id>[<tid>].<CODE>-<file>/<line> [<message>]`.
func isWholeCppLine(_ line: Substring) -> Bool {
    line.range(of: #"^\d\d/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6} \w+\[\d+\]\.[A-Z0-9]{3}-[^ ]+/\d+ \[.*\]$"#, options: .regularExpression) != nil
}
