@testable import Agent
import Glibc
import Testing
import ZeroMQ

/// /dev/shm is writable by every local user: a neighbour writing to a file there in a loop must not wake the
/// agent's loop more than once per poll tick (inotify reports every write).
@Suite("inotify wakes the loop at most once per tick")
struct MapWatchWakeTests {
    @Test("after the inotify descriptor fired it is out of the wait until the next poll tick, which puts it back with what came meanwhile")
    func oncePerTick() throws {
        var template = Array("/tmp/lookout-wake.XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { LookoutAgent.removeDemoDirectory(directory) }
        let loop = try InProcessLoop.make(directory: directory)
        defer { InProcessLoop.close(loop) }
        loop.pollAll(now: 0)

        let neighbour = open("\(directory)/neighbour", O_CREAT | O_WRONLY, 0o600)
        defer { close(neighbour) }
        var byte: UInt8 = 1
        #expect(write(neighbour, &byte, 1) == 1)
        // 60 s only guards against a hang: inotify reports the write at once.
        #expect(loop.waitSet.wait(timeoutMilliseconds: 60_000).descriptor(AgentLoop.Waited.mapWatch))
        loop.takeMapChanges()

        #expect(write(neighbour, &byte, 1) == 1)
        #expect(!loop.waitSet.wait(timeoutMilliseconds: 0).descriptor(AgentLoop.Waited.mapWatch),
                "a second write woke the loop again before the next tick")
        loop.pollAll(now: 1)
        #expect(loop.waitSet.wait(timeoutMilliseconds: 0).descriptor(AgentLoop.Waited.mapWatch),
                "the write that came meanwhile was not reported after the tick")
    }
}
