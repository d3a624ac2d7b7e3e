import Foundation
import Glibc

/// A small tmpfs of the test's own, for a full disk: `fill()` takes every free page, `free()` gives them back.
/// Needs root (CI runs the tests as root); the test fails, naming why, otherwise.
public final class SmallDisk {
    public let path: String
    private var filler: String { path + "/.filler" }

    public init(kilobytes: Int = 256) throws {
        path = "/tmp/zmlog-disk-" + UUID().uuidString
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

    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes a filler file until the disk is full.
    public func fill() {
        let fd = open(filler, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        defer { close(fd) }
        let page = [UInt8](repeating: 0x2E, count: 4096)
        while page.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
    }

    public func free() { unlink(filler) }
}

public struct SmallDiskError: Error, CustomStringConvertible {
    public let description: String
}

/// A C++-flavour file line, whole: `<date> <time>.<usec> <id>[<tid>].<CODE>-<file>/<line> [<message>]`.
public func isWholeCppLine(_ line: Substring) -> Bool {
    line.range(of: #"^\d\d/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6} \w+\[\d+\]\.[A-Z0-9]{3}-[^ ]+/\d+ \[.*\]$"#, options: .regularExpression) != nil
}
