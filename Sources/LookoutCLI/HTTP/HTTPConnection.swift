/// One client of `HTTPServer`, owned by the poll thread.
final class HTTPConnection {
    enum Phase {
        /// Reading the request head (bounded by `HTTPServer.Limits.head` bytes and `headSeconds`).
        case head
        /// A worker is making the answer.
        case waiting
        /// Sending one answer; the connection closes when it is out.
        case answering
        /// A long-lived answer (MJPEG, SSE): the application pushes parts while the client stays.
        case streaming
    }

    let id: UInt64
    let descriptor: Int32
    var phase = Phase.head
    var head: [UInt8] = []
    var headOnly = false
    /// Bytes not yet sent, as shared chunks (a JPEG sent to ten viewers is one array, not ten copies).
    var pending: [[UInt8]] = []
    var sentOfFirst = 0
    var pendingBytes = 0
    let acceptedAt: Double
    var lastProgress: Double

    init(id: UInt64, descriptor: Int32, now: Double) {
        self.id = id
        self.descriptor = descriptor
        acceptedAt = now
        lastProgress = now
    }

    func enqueue(_ chunks: [[UInt8]]) {
        for chunk in chunks where !chunk.isEmpty {
            pending.append(chunk)
            pendingBytes += chunk.count
        }
    }
}
