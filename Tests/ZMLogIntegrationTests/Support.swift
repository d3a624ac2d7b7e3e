import Foundation
import Glibc
import MariaDB
import Synchronization
import Testing
@testable import ZMLog

enum Paths {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    /// `$ZMLOG_UNDER_TEST` runs the zmlog tests against another build (e.g. an older one, to see a test fail).
    static let zmlog = ProcessInfo.processInfo.environment["ZMLOG_UNDER_TEST"] ?? packageRoot + "/.build/debug/zmlog"
    static let zmCreateSQL = "/usr/share/zoneminder/db/zm_create.sql"
    static let peerSocket = "/run/zm-peer/mysqld/mysqld.sock"
}

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

final class TemporaryDirectory {
    let path: String
    init() {
        path = "/tmp/zmlog-it-" + UUID().uuidString.prefix(8)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, 0o755)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
}

func readText(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

func waitUntil(timeout: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(5_000)
    }
    return try condition()
}

struct ProcessOutput {
    let status: Int32
    let pid: Int32
    let stdout: String
    let stderr: String
}

@discardableResult
func run(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: Data? = nil
) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessOutput(
        status: process.terminationStatus, pid: process.processIdentifier,
        stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}

/// The peer's database (`scripts/zm-peer-up.sh`), as root over its socket.
enum PeerDatabase {
    static func require() throws {
        guard FileManager.default.fileExists(atPath: Paths.peerSocket) else {
            Issue.record("ZoneMinder peer database not running (\(Paths.peerSocket) missing): start it with scripts/peer.sh (scripts/test.sh does)")
            throw Failure("peer missing")
        }
    }

    static func connect() throws -> MariaDBConnection {
        try MariaDBConnection(MariaDBSettings(unixSocket: Paths.peerSocket, user: "root", password: "", database: "zm"))
    }
}

extension String {
    /// The date/time and `[pid]` of a ZoneMinder file line, or the header of a syslog datagram, as placeholders.
    var maskingTimeAndPid: String {
        var text = self
        let patterns: [(String, String)] = [
            (#"^\S+ \d\d:\d\d:\d\d\.\d{6}"#, "<time>"), (#"^<(\d+)>\w{3} [ \d]\d \d\d:\d\d:\d\d"#, "<pri><time>"),
            (#"\[\d+\]"#, "[<pid>]"),
        ]
        for (pattern, replacement) in patterns {
            if let range = text.range(of: pattern, options: .regularExpression) {
                let original = String(text[range])
                let kept = replacement == "<pri><time>" ? String(original.prefix(while: { $0 != ">" })) + "><time>" : replacement
                text.replaceSubrange(range, with: kept)
            }
        }
        return text
    }
}

/// Problems a writer reported.
final class Problems: Sendable {
    private let stored = Mutex<[String]>([])
    func add(_ problem: String) { stored.withLock { $0.append(problem) } }
    var all: [String] { stored.withLock { $0 } }
    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }
}
