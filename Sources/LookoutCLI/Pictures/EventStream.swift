import PosixThread
import ZeroMQ

/// `/api/events`: the agent's bus as Server-Sent Events. One thread holds a SUB socket on the publish endpoint and
/// hands each monitor and channel message to the poll thread as one SSE event (`data: {"topic":…,"body":…}`); every client gets
/// a copy of the same bytes. A client that stops reading is closed once 256 KiB wait for it; the bus thread itself
/// only ever waits on ZeroMQ, whose queue is bounded by its receive high-water mark.
final class EventStream {
    static let keepAliveSeconds = 15.0
    private(set) var clients: Set<UInt64> = []
    private var nextKeepAlive = 0.0

    static var head: [UInt8] {
        Array(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
            + "X-Accel-Buffering: no\r\nConnection: close\r\n\r\nretry: 2000\n\n").utf8)
    }

    /// Starts the bus thread; it keeps reconnecting by itself (ZeroMQ does), so an agent that starts later is heard.
    static func startSubscriber(endpoint: String, mailbox: Mailbox<WorkerMessage>) {
        PosixThread.start(name: "lookout-sse") {
            let context = ZMQContext()
            guard let subscriber = try? ZMQSocket(context, .sub),
                  (try? subscriber.setOption(ZMQ_RCVHWM_VALUE, Int32(10_000))) != nil,
                  (try? subscriber.subscribe("zm.monitor.")) != nil,
                  (try? subscriber.subscribe("ts.channel.")) != nil,
                  (try? subscriber.connect(endpoint)) != nil else { return }
            while true {
                guard let frames = try? subscriber.receive(timeoutMilliseconds: 1000), frames.count == 3 else { continue }
                mailbox.post(.busEvent(event(topic: frames[0], body: frames[2])))
            }
        }
    }

    /// One SSE event. The body is the agent's JSON, kept as sent; line breaks are cut so it stays one `data:` line.
    static func event(topic: [UInt8], body: [UInt8]) -> [UInt8] {
        let safeTopic = topic.filter { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 < 0x7F }
        let flatBody = body.map { $0 == 10 || $0 == 13 ? UInt8(ascii: " ") : $0 }
        return Array("data: {\"topic\":\"".utf8) + safeTopic + Array("\",\"body\":".utf8) + flatBody + Array("}\n\n".utf8)
    }

    func add(_ client: UInt64) { clients.insert(client) }
    func remove(_ client: UInt64) { clients.remove(client) }

    func broadcast(_ event: [UInt8], server: HTTPServer) {
        for client in clients where server.push(client, [event], skipIfBusy: false) == .closed { clients.remove(client) }
    }

    func tick(server: HTTPServer, now: Double) {
        guard now >= nextKeepAlive else { return }
        nextKeepAlive = now + Self.keepAliveSeconds
        broadcast(Array(": keep-alive\n\n".utf8), server: server)
    }
}

private let ZMQ_RCVHWM_VALUE: Int32 = 24
