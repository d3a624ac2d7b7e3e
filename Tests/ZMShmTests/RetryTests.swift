import Foundation
import Testing
@testable import ZMShm

/// A file that fails to open or validate is retried with back-off, not re-opened and re-mapped on every poll.
@Suite("Retrying failing segment paths")
struct RetryTests {
    /// A clock the test moves by hand.
    final class ManualClock: @unchecked Sendable {
        var now = 1000.0
    }

    @Test("the back-off doubles from 1 s to 60 s and resets")
    func schedule() {
        var backoff = RetryBackoff()
        var delays: [Double] = []
        for _ in 0..<8 {
            backoff.failed(at: 0)
            delays.append(backoff.delay)
        }
        #expect(delays == [1, 2, 4, 8, 16, 32, 60, 60])
        #expect(!backoff.allowsAttempt(at: 59) && backoff.allowsAttempt(at: 60))
        backoff.failed(at: 0, cap: 1)
        #expect(backoff.delay == 1, "a capped failure waits no longer than its cap")
        backoff.reset()
        #expect(backoff.allowsAttempt(at: -1e9))
    }

    @Test("a garbage file is opened once per back-off step, not once per poll")
    func garbageBacksOff() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("zm.mmap.5")
        try Data([0xEF, 0xBE, 0xAD, 0xDE] + [UInt8](repeating: 7, count: 4096)).write(to: URL(fileURLWithPath: path))
        let clock = ManualClock()
        let follower = SegmentFollower(path: path, clock: { clock.now })
        for _ in 0..<50 { #expect(follower.poll().error?.code == .unknownLayout) }
        #expect(follower.openAttempts == 1)
        clock.now += 1
        _ = follower.poll()
        #expect(follower.openAttempts == 2)
        clock.now += 1
        _ = follower.poll()
        #expect(follower.openAttempts == 2, "the second wait is 2 s")
        clock.now += 1
        _ = follower.poll()
        #expect(follower.openAttempts == 3)
        #expect(follower.backoff.delay == 4)
    }

    @Test("a replaced file is tried at once when the path is checked, and the back-off resets")
    func replacementResets() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("zm.mmap.6")
        #expect(mkfifo(path, 0o600) == 0)
        let clock = ManualClock()
        let follower = SegmentFollower(path: path, clock: { clock.now })
        #expect(follower.poll().error?.code == .notRegularFile)
        #expect(follower.poll(checkingPath: true).error?.code == .notRegularFile)
        #expect(follower.openAttempts == 1, "an unchanged file is not re-opened before its time")
        unlink(path)
        try LayoutSample.fixture(.zm136).write(to: path)
        #expect(follower.poll(checkingPath: false).error?.code == .notRegularFile, "no path check: still waiting")
        #expect(follower.poll(checkingPath: true).status?.valid == true)
        #expect(follower.backoff == RetryBackoff())
    }

    @Test("a missing file comes back within the poll that checks its path")
    func missingThenCreated() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("zm.mmap.7")
        let clock = ManualClock()
        let follower = SegmentFollower(path: path, clock: { clock.now })
        #expect(follower.poll().error?.code == .notFound)
        try LayoutSample.fixture(.zm136).write(to: path)
        #expect(follower.poll().status?.valid == true)
    }
}
