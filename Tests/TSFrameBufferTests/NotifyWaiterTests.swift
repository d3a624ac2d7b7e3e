import Foundation
import FrameSource
import Glibc
import Testing
import ZMShm
@testable import TSFrameBuffer

/// The relay's waiter thread against a real producer in the same process: it wakes its descriptor when a frame is
/// published, no more often than its interval, and survives the file shrinking and being written again.
@Suite("SFB notify waiter")
struct NotifyWaiterTests {
    /// Polls `condition` every 10 ms for up to `timeout` seconds (a guard against hanging, not a speed bound).
    static func await(timeout: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(10_000)
        }
        return try condition()
    }

    static func readable(_ descriptor: Int32) -> Bool {
        var item = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&item, 1, 0) == 1
    }

    @Test("nothing published: no signal; the first frame makes the descriptor readable and takeSignal true once")
    func firstFrame() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("sfb_data_ch1")
        let producer = try PatternProducer(path: path)
        let wake = WakeDescriptor()
        let waiter = try #require(SFBNotifyWaiter(path: path, owners: .standard, interval: 0.01, wake: wake, name: "test-waiter"))
        defer { waiter.join() }
        #expect(Self.await { waiter.counters.opens == 1 })
        #expect(waiter.counters.signals == 0 && !Self.readable(wake.descriptor) && !waiter.takeSignal())
        try producer.publish()
        #expect(Self.await { Self.readable(wake.descriptor) })
        #expect(waiter.takeSignal())
        #expect(!waiter.takeSignal(), "one signal per frame")
        #expect(wake.drain() == 1 && !Self.readable(wake.descriptor))
        #expect(waiter.counters == .init(signals: 1, opens: 1, failures: 0))
    }

    @Test("a channel publishing every 2 ms wakes a 0.1 s waiter at most once per 0.1 s")
    func rateLimited() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("sfb_data_ch2")
        let producer = try PatternProducer(path: path)
        let wake = WakeDescriptor()
        let interval = 0.1
        let waiter = try #require(SFBNotifyWaiter(path: path, owners: .standard, interval: interval, wake: wake, name: "test-waiter"))
        #expect(Self.await { waiter.counters.opens == 1 })
        let start = Date()
        var taken = 0
        var times: [Double] = []
        while taken < 6 {
            try producer.publish()
            if waiter.takeSignal() { taken += 1; times.append(Date().timeIntervalSince(start)) }
            usleep(2_000)  // the producer's frame interval, not a synchronisation
        }
        let elapsed = Date().timeIntervalSince(start)
        waiter.join()
        let published = Int(producer.writer.writeSeq)
        let signals = Int(waiter.counters.signals)
        // The first signal comes with the first frame, each next one an interval later at the earliest.
        #expect(signals <= Int(elapsed / interval) + 1, "\(signals) signals in \(elapsed) s: \(times)")
        #expect(published > signals * 5, "\(published) frames published, \(signals) signals")
    }

    @Test("a file shrunk under the waiter, then written again: it re-opens and signals the new frames, never crashes")
    func shrinkAndRecover() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("sfb_data_ch3")
        let wake = WakeDescriptor()
        var producer: PatternProducer? = try PatternProducer(path: path)
        let waiter = try #require(SFBNotifyWaiter(path: path, owners: .standard, interval: 0.001, wake: wake, name: "test-waiter"))
        defer { waiter.join() }
        try producer?.publish()
        #expect(Self.await { waiter.takeSignal() })
        producer = nil
        #expect(truncate(path, 0) == 0)
        // Its futex wait or its next read of the (now absent) page fails; the file check says resized. Either way
        // it drops the mapping, and an empty file does not open.
        #expect(Self.await { waiter.counters.failures >= 1 }, "\(waiter.counters)")
        producer = try PatternProducer(path: path, width: 32, height: 24)
        #expect(try Self.await {
            try producer?.publish()
            return waiter.takeSignal()
        }, "\(waiter.counters)")
        #expect(waiter.counters.opens >= 2)
    }

    @Test("join ends the thread while it waits on a channel that never publishes, and while the file is missing")
    func joinWhileWaiting() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("sfb_data_ch4")
        let producer = try PatternProducer(path: path)
        try producer.publish()
        let wake = WakeDescriptor()
        let waiting = try #require(SFBNotifyWaiter(path: path, owners: .standard, interval: 100, wake: wake, name: "test-waiter"))
        #expect(Self.await { waiting.takeSignal() })
        let missing = try #require(SFBNotifyWaiter(path: dir.file("sfb_data_ch5"), owners: .standard, interval: 1, wake: wake, name: "test-waiter"))
        #expect(Self.await { missing.counters.failures >= 1 })
        waiting.join()
        missing.join()
        let after = (waiting.counters, missing.counters)
        try producer.publish(3)
        #expect(waiting.counters == after.0 && missing.counters == after.1, "nothing runs after join")
        #expect(missing.counters.opens == 0)
    }
}
