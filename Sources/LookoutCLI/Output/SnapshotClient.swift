import LookoutJSON
import ZeroMQ

/// Asks the agent's control socket for a snapshot (the clone pattern's state request).
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
        try socket.send([[], Array("SNAPSHOT".utf8), Array(prefix.utf8)])
        guard let frames = try socket.receive(timeoutMilliseconds: timeoutMilliseconds) else {
            throw CLIError("no snapshot from \(endpoint) within \(timeoutMilliseconds / 1000) s: is `lookout run` running?")
        }
        let body = frames.drop { $0.isEmpty }
        guard body.count == 2, String(decoding: body.first!, as: UTF8.self) == "OK",
              let object = try? JSONValue.parse(body.last!),
              let epoch = object["epoch"]?.stringValue, let gseq = object["gseq"]?.uint64Value,
              let items = object["items"]?.arrayValue else {
            throw CLIError("unexpected snapshot reply from \(endpoint): \(frames.map { String(decoding: $0, as: UTF8.self) })")
        }
        return Reply(epoch: epoch, globalSequence: gseq, items: items.compactMap { item in
            // Re-rendered in the agent's member order, as the live messages are.
            guard let topic = item["topic"]?.stringValue, let header = item["header"], let body = item["body"] else { return nil }
            return Item(topic: topic, header: header.rendered(), body: body.rendered())
        })
    }
}
