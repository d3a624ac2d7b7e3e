/// Where the bridge stands in the clone pattern (docs/protocol.md, "Late joiners"): live messages are applied once a
/// snapshot is in; retained ones that arrive while it is being taken wait here (bounded) and only those newer than
/// the snapshot's gseq are applied; a gap in gseq or a new epoch asks for a new snapshot.
struct BusFollower {
    enum Pending {
        case snapshot
        case trigger(monitorID: String, state: String)
    }

    struct HeldBack {
        let gseq: UInt64
        let path: String
        let body: [UInt8]
    }

    static let heldBackLimit = 8 << 20

    var epoch: String?
    var lastGseq: UInt64 = 0
    var sawLive = false
    var needSnapshot = true
    var snapshotInProgress = false
    var snapshotRetryAt = 0.0
    /// Mapped path and body of each retained item of the snapshot being taken, page by page.
    var snapshotItems: [(path: String, body: [UInt8])] = []
    var heldBack: [HeldBack] = []
    var heldBackBytes = 0
    var heldBackOverflowed = false
    /// Requests sent on the DEALER, oldest first: the control socket answers one connection in order.
    var pending: [(request: Pending, sentAt: Double)] = []

    /// Records a live message's header; true when it shows a gap or a restart (a snapshot is needed).
    mutating func observe(epoch: String, gseq: UInt64) -> Bool {
        defer {
            self.epoch = epoch
            lastGseq = gseq
            sawLive = true
        }
        guard let known = self.epoch else { return false }
        return known != epoch || gseq != lastGseq + 1
    }

    /// True while retained messages must wait for the snapshot.
    var holdingBack: Bool { snapshotInProgress || needSnapshot }

    mutating func holdBack(_ message: HeldBack) {
        guard heldBackBytes + message.body.count + message.path.utf8.count <= Self.heldBackLimit else {
            heldBackOverflowed = true
            return
        }
        heldBack.append(message)
        heldBackBytes += message.body.count + message.path.utf8.count
    }

    mutating func takeHeldBack(after gseq: UInt64) -> [HeldBack] {
        defer {
            heldBack.removeAll()
            heldBackBytes = 0
        }
        return heldBack.filter { $0.gseq > gseq }
    }
}
