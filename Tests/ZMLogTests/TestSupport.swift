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

