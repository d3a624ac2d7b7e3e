import Testing

/// Suites that force alarms on the peer's monitor 3 and assert what follows (an event opening, an `on` notice, a tile
/// turning red). Run in parallel, one suite's alarm hides another's transition; nested here, they run one at a time
/// while every other suite still runs beside them.
@Suite("Suites that force alarms on the peer's monitor 3", .serialized)
enum PeerMonitorThree {}

typealias MQTTBridgeTests = PeerMonitorThree.MQTTBridgeTests
