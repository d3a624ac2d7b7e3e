import Glibc
import LookoutJSON
import ZeroMQ

/// Asks the agent's control socket for a snapshot (the clone pattern's state request), page by page: a snapshot
/// larger than one reply comes with a cursor in `next`, and every page is from the same gseq.
enum SnapshotClient {
    struct Item {
        let topic: String
        let header: String
        let body: String
    }

    struct Reply {
        let epoch: String
        let globalSequence: UInt64
        let items: [Item]
    }

    static func request(context: ZMQContext, endpoint: String, prefix: String = "", timeoutMilliseconds: Int = 5000) throws -> Reply {
        let socket = try ZMQSocket(context, .dealer)
        try socket.connect(endpoint)
        var items: [Item] = []
        var cursor: String?
        var busyRetries = 0
        while true {
            try socket.send([[], Array("SNAPSHOT".utf8), Array(prefix.utf8)] + (cursor.map { [Array($0.utf8)] } ?? []))
            guard let frames = try socket.receive(timeoutMilliseconds: timeoutMilliseconds) else {
                throw CLIError("no snapshot from \(endpoint) within \(timeoutMilliseconds / 1000) s: is `lookout run` running?")
            }
            let reply = Array(frames.drop { $0.isEmpty })
            let status = reply.first.map { String(decoding: $0, as: UTF8.self) }
            let object = reply.count == 2 ? try? JSONValue.parse(reply[1]) : nil
            if status == "ERR", object?["code"]?.stringValue == "busy", busyRetries < 50 {
                busyRetries += 1
                let wait = min(1000, Int(object?["retry_ms"]?.uint64Value ?? 100))
                usleep(useconds_t(wait * 1000))
                continue
            }
            guard status == "OK", let object, let epoch = object["epoch"]?.stringValue,
                  let gseq = object["gseq"]?.uint64Value, let page = object["items"]?.arrayValue else {
                throw CLIError("unexpected snapshot reply from \(endpoint): \(frames.map { String(decoding: $0, as: UTF8.self) })")
            }
            items += page.compactMap { item in
                // Re-rendered in the agent's member order, as the live messages are.
                guard let topic = item["topic"]?.stringValue, let header = item["header"], let body = item["body"] else { return nil }
                return Item(topic: topic, header: header.rendered(), body: body.rendered())
            }
            cursor = object["next"]?.stringValue
            if cursor == nil { return Reply(epoch: epoch, globalSequence: gseq, items: items) }
        }
    }
}
