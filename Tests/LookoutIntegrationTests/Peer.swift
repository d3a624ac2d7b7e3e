import Foundation
import Testing
import ZMConfig
import ZMShm

/// The real ZoneMinder 1.36.33 peer (`scripts/zm-peer-up.sh`, started by `scripts/test.sh` through `scripts/peer.sh`).
enum Peer {
    static let mapDirectory = "/dev/shm"
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let lookout = packageRoot + "/.build/debug/lookout"
    /// Our independent Python decoder (written from docs/zm-shm-layouts.md, not from the Swift code).
    static let shmDump = packageRoot + "/scripts/zm_shm_decode.py"

    static func segmentPath(_ id: Int) -> String { "\(mapDirectory)/zm.mmap.\(id)" }

    /// Fails (never skips) with what to do when the peer is not running.
    static func require() throws {
        for id in 1...3 where !FileManager.default.fileExists(atPath: segmentPath(id)) {
            Issue.record("ZoneMinder peer not running: \(segmentPath(id)) missing. Start it with scripts/zm-peer-up.sh as root (scripts/test.sh does).")
            throw PeerMissing()
        }
    }

    struct PeerMissing: Error {}

    static func database() throws -> ZMDatabase { try ZMDatabase.connect(try ZMConfFile.load()) }

    /// Copies a live segment so several decoders can read the very same bytes.
    static func freeze(_ id: Int, into directory: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: segmentPath(id)))
        try data.write(to: URL(fileURLWithPath: "\(directory)/zm.mmap.\(id)"))
    }

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Polls `condition` until it holds or `timeout` passes; returns whether it held.
    static func waitUntil(timeout: Double, every interval: Double = 0.05, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: interval)
        }
        return try condition()
    }
}

struct TemporaryDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "lookout-it-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}
