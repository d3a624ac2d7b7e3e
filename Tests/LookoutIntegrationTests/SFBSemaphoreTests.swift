import Foundation
import FrameSource
import Testing
import TSFrameBuffer

/// `lookout sfb-produce --semaphore`: the optional POSIX named semaphore beside the futex word, posted once per frame,
/// taken by a consumer in another process (this one) with `SFBEventSemaphore`.
@Suite("TS event semaphore")
struct SFBSemaphoreTests {
    @Test("each frame the producer publishes is one post of /sfb_event_ch<N>, no more")
    func onePostPerFrame() throws {
        let channel = Int.random(in: 100_000...999_999)  // semaphores live in /dev/shm: a name no other run uses
        let name = SFBEventSemaphore.name(channel: channel)
        #expect(name == "/sfb_event_ch\(channel)")
        defer { unlink("/dev/shm/sem.sfb_event_ch\(channel)") }
        let directory = NSTemporaryDirectory() + "lookout-sem-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let made = try Peer.run(Peer.lookout, [
            "sfb-produce", "--channel", String(channel), "--dir", directory, "--size", "64x48", "--frames", "5", "--fps", "0", "--semaphore",
        ])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("posting \(name)"))
        let event = try SFBEventSemaphore(name: name, create: false)
        var taken = 0
        while event.wait(timeout: 0.5) { taken += 1 }
        #expect(taken == 5)
    }

    @Test("a name that is not one '/' and a name, or a semaphore that does not exist, is an error naming it")
    func refused() {
        #expect(throws: FrameSourceError.self) { try SFBEventSemaphore(name: "sfb_event_ch1", create: true) }
        #expect(throws: FrameSourceError.self) { try SFBEventSemaphore(name: "/a/b", create: true) }
        do {
            _ = try SFBEventSemaphore(name: "/lookout-no-such-semaphore-\(UUID().uuidString)", create: false)
            Issue.record("opened a semaphore that does not exist")
        } catch {
            #expect(error.code == .notFound)
            #expect(error.message.contains("lookout-no-such-semaphore"))
        }
    }
}
