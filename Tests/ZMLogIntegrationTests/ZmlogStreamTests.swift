import Foundation
import Glibc
import MariaDB
import Testing

/// `zmlog` reading a long stream: logrotate's SIGHUP, a log file moved away, a line of 100 MB.
@Suite("zmlog on a stream", .serialized)
struct ZmlogStreamTests {
    init() { signal(SIGPIPE, SIG_IGN) }  // a zmlog that dies must fail the test, not end the runner

    func id() -> String { "zmlogstream_" + String(UUID().uuidString.prefix(6)).lowercased() }

    /// `zmlog` with its stdin a pipe this test writes.
    final class Streaming {
        let process = Process()
        let input = Pipe()
        let errors = Pipe()

        init(_ arguments: [String], environment: [String: String] = [:]) throws {
            process.executableURL = URL(fileURLWithPath: Paths.zmlog)
            process.arguments = arguments
            process.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"].merging(environment) { $1 }
            process.standardInput = input
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            // As from a shell or logrotate: no signal blocked. (Test threads are Dispatch workers, which block
            // SIGHUP; a child would inherit that and never see the signal this suite is about.)
            var none = sigset_t()
            var saved = sigset_t()
            sigemptyset(&none)
            pthread_sigmask(SIG_SETMASK, &none, &saved)
            defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
            try process.run()
        }

        var pid: Int32 { process.processIdentifier }

        func send(_ text: String) throws { try input.fileHandleForWriting.write(contentsOf: Data(text.utf8)) }

        /// Closes stdin and waits; the exit status (or 128 + the signal that ended it) and stderr.
        func finish() -> (status: Int32, stderr: String) {
            try? input.fileHandleForWriting.close()
            let stderr = errors.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
            return (status, String(decoding: stderr, as: UTF8.self))
        }
    }

    func numbers(_ text: String) -> [Int] {
        text.split(separator: "\n").compactMap { line in line.split(separator: " ").last.flatMap { Int($0.dropLast()) } }
    }

    @Test("SIGHUP mid-stream, eight times: zmlog reopens its file, loses no line and exits 0")
    func sighupMidStreamLosesNothing() throws {
        try PeerDatabase.require()
        let conf = try ZMConfDirectory(socket: Paths.peerSocket)
        let id = id()
        let path = conf.directory.file("logs/\(id).log")
        let zmlog = try Streaming(["--id", id, "--no-agent", "--conf-dir", conf.path])
        try zmlog.send("line 0\n")
        #expect(waitUntil { readText(path).contains("[line 0]") })  // set up: its signal handling is in place
        let total = 20_000
        var hangups = 0
        var failure: (any Error)?
        for chunk in stride(from: 1, to: total, by: 500) {
            do {
                try zmlog.send((chunk..<min(chunk + 500, total)).map { "line \($0)\n" }.joined())
            } catch {
                failure = error
                break
            }
            if chunk % 2500 == 1, hangups < 8 {
                kill(zmlog.pid, SIGHUP)
                hangups += 1
            }
        }
        let end = zmlog.finish()
        #expect(failure == nil, "the pipe broke: \(String(describing: failure))")
        #expect(hangups == 8)
        #expect(end.status == 0, "\(end.stderr)")
        #expect(numbers(readText(path)) == Array(0..<total))
        let rows = try PeerDatabase.connect().query("SELECT COUNT(*) FROM Logs WHERE Component = ?", [.text(id)])
        #expect(rows.first?.first == String(total))
    }

    @Test("a log file moved away continues in a new file: after SIGHUP, and without one after the check interval")
    func movedLogFileContinuesInANewFile() throws {
        try PeerDatabase.require()
        let conf = try ZMConfDirectory(socket: Paths.peerSocket)
        let id = id()
        let path = conf.directory.file("logs/\(id).log")
        let zmlog = try Streaming(["--id", id, "--no-agent", "--conf-dir", conf.path])
        var next = 0
        func sendUntil(_ condition: () -> Bool) throws -> Bool {
            try waitUntil {
                try zmlog.send("line \(next)\n")
                next += 1
                usleep(10_000)
                return condition()
            }
        }
        #expect(try sendUntil { readText(path).contains("[line 0]") })
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")  // logrotate's move, then its signal
        kill(zmlog.pid, SIGHUP)
        #expect(try sendUntil { FileManager.default.fileExists(atPath: path) }, "no new file after SIGHUP")
        try FileManager.default.moveItem(atPath: path, toPath: path + ".2")  // no signal this time
        #expect(try sendUntil { FileManager.default.fileExists(atPath: path) }, "no new file after a move without SIGHUP")
        try zmlog.send("line \(next)\n")
        next += 1
        let end = zmlog.finish()
        #expect(end.status == 0, "\(end.stderr)")
        let parts = [path + ".1", path + ".2", path].map { numbers(readText($0)) }
        #expect(parts.allSatisfy { !$0.isEmpty }, "\(parts.map(\.count))")
        #expect(parts.flatMap { $0 } == Array(0..<next))
    }

    @Test("a 100 MB line: zmlog keeps its first 4095 bytes as ZoneMinder does and its memory stays small")
    func hundredMegabyteLineKeepsMemorySmall() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("big.log")
        let zmlog = try Streaming(
            ["--id", "big", "--no-agent", "--conf-dir", dir.file("no-zm-conf"), "--file", "big.sh", "--line", "1"],
            environment: ["LOG_FILE": path])
        let megabyte = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<100 { try zmlog.input.fileHandleForWriting.write(contentsOf: megabyte) }
        try zmlog.send("\nafter\n")
        #expect(waitUntil { readText(path).contains("[after]") })
        let peakKiB = Self.peakResidentKiB(zmlog.pid)
        let end = zmlog.finish()
        print("figure: zmlog peak RSS (VmHWM) reading a 100 MB line: \(peakKiB.map { "\($0) KiB" } ?? "unknown")")
        #expect(end.status == 1 && end.stderr.contains("zm.conf"), "\(end.stderr)")
        let peak = try #require(peakKiB)
        #expect(peak < 64 << 10, "peak RSS \(peak) KiB")
        let lines = readText(path).split(separator: "\n").filter { $0.contains(".INF-big.sh/1 [") }
        #expect(lines.count == 2)
        let big = try #require(lines.first)
        #expect(big.utf8.count + 1 == 4095, "ZoneMinder cuts the line at 4093 bytes and appends ]\\n")
        let open = try #require(big.range(of: ".INF-big.sh/1 ["))
        let message = big[open.upperBound...].dropLast()
        #expect(big.hasSuffix("]") && message.count > 4000 && message.allSatisfy { $0 == "x" })
        #expect(lines[1].hasSuffix("[after]"))
    }

    /// `VmHWM` (peak resident set) of a running process, in KiB.
    static func peakResidentKiB(_ pid: Int32) -> Int? {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ")[1])
    }
}
