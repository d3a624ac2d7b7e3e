import Foundation
import Testing

/// The producer at full speed in one process, a reader in another checking every frame it returns against the
/// checksum and frame number stamped in its pixels. A million reads run in scripts/sfb-torn.sh (release build);
/// CI runs a shorter pass of the same two commands.
@Suite("SFB1 torn frames across processes")
struct SFBTornFrameTests {
    @Test("a reader racing a full-speed producer never returns a torn frame", arguments: [
        ["--size", "160x120", "--format", "GREY", "--slots", "2"],
        ["--size", "96x64", "--format", "I420", "--slots", "1"],
    ])
    func noTornFrames(shape: [String]) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let producer = Process()
        producer.executableURL = URL(fileURLWithPath: Peer.lookout)
        producer.arguments = ["sfb-produce", "--channel", "9", "--dir", dir.path, "--fps", "0"] + shape
        producer.standardOutput = FileHandle.nullDevice
        try producer.run()
        defer {
            producer.interrupt()
            producer.waitUntilExit()
        }
        let verify = try Peer.run(Peer.lookout, ["sfb-verify", "9", "--sfb-dir", dir.path, "--reads", "3000"])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any])
        #expect(summary["torn"] as? Int == 0)
        #expect(summary["verified"] as? Int == 3000)
        #expect((summary["distinct_frames"] as? Int ?? 0) > 10, "the producer kept publishing during the reads: \(verify.stdout)")
    }

    @Test("a reader waiting on the futex sees every frame of a steady producer, each whole")
    func futexReader() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let producer = Process()
        producer.executableURL = URL(fileURLWithPath: Peer.lookout)
        producer.arguments = ["sfb-produce", "--channel", "3", "--dir", dir.path, "--fps", "200", "--size", "64x48"]
        producer.standardOutput = FileHandle.nullDevice
        try producer.run()
        defer {
            producer.interrupt()
            producer.waitUntilExit()
        }
        let verify = try Peer.run(Peer.lookout, ["sfb-verify", "3", "--sfb-dir", dir.path, "--reads", "100", "--futex"])
        #expect(verify.status == 0, "\(verify.stdout) \(verify.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any])
        #expect(summary["torn"] as? Int == 0)
        // Woken once per publish: nearly every read is a new frame (a spurious wake may repeat one).
        #expect((summary["distinct_frames"] as? Int ?? 0) >= 90, "\(verify.stdout)")
    }
}
