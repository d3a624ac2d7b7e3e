import Testing
import ZMShm

/// Suites that force alarms on the peer's monitor 3 and assert what follows (an event opening, an `on` notice, a tile
/// turning red). Run in parallel, one suite's alarm hides another's transition; nested here, they run one at a time
/// while every other suite still runs beside them.
@Suite("Suites that force alarms on the peer's monitor 3", .serialized)
enum PeerMonitorThree {}

typealias MQTTBridgeTests = PeerMonitorThree.MQTTBridgeTests

extension PeerMonitorThree {
    /// Waits until the suite before has let monitor 3 go: no forced trigger and the state back to IDLE (1 in the
    /// peer's 1.36 numbering), so this suite's trigger opens an event of its own instead of extending another's.
    static func awaitIdle(timeout: Double = 90) throws {
        let idle = try Peer.waitUntil(timeout: timeout, every: 0.2) {
            let status = try ZMSegment(path: Peer.segmentPath(3)).status()
            return status.triggerState == 0 && status.rawState == 1
        }
        try #require(idle, "monitor 3 is still forced or in alarm after \(Int(timeout)) s")
    }
}
