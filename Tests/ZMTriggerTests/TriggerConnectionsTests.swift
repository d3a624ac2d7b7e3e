import Glibc
import Testing
@testable import ZMTrigger

/// The listener's TCP side on a real loopback socket: lines as zmtrigger.pl splits them, bounds, notices.
@Suite("zmtrigger connections on a real socket")
struct TriggerConnectionsTests {
    func client(_ port: UInt16) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr = in_addr(s_addr: UInt32(0x7f00_0001).bigEndian)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return descriptor
    }

    /// Polls the listener the way its thread does until `enough` holds (bounded by a count of waits, not a clock).
    func pump(_ connections: TriggerConnections, until enough: ([TriggerConnections.Event]) -> Bool) -> [TriggerConnections.Event] {
        var events: [TriggerConnections.Event] = []
        for _ in 0..<200 where !enough(events) {
            var descriptors = connections.pollRequests.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
            _ = poll(&descriptors, nfds_t(descriptors.count), 50)
            for entry in descriptors where entry.revents != 0 {
                events += entry.fd == connections.listening
                    ? connections.acceptPending(now: 0) : connections.service(entry.fd, readable: true, writable: false, now: 0)
            }
        }
        return events
    }

    func lines(_ events: [TriggerConnections.Event]) -> [String] {
        events.compactMap { if case let .line(_, text) = $0 { text } else { nil } }
    }

    @Test("LF and CRLF lines, several per packet, a line split across packets kept whole; an over-long line dropped, the next one served")
    func lineSplitting() throws {
        let connections = try TriggerConnections(address: UInt32(0x7f00_0001).bigEndian, port: 0, limits: .init(maximumConnections: 2, maximumLineBytes: 64, idleSeconds: 0))
        defer { connections.closeAll() }
        let peer = client(connections.port)
        defer { close(peer) }
        for chunk in ["3|on|5|a\r\n3|can", "cel\n", String(repeating: "x", count: 200) + "\n", "3|show||||ok\n"] {
            _ = chunk.withCString { send(peer, $0, strlen($0), 0) }
        }
        let events = pump(connections) { lines($0).count >= 3 }
        #expect(lines(events) == ["3|on|5|a", "3|cancel", "3|show||||ok"])
        #expect(events.contains { if case .overlong = $0 { true } else { false } })
    }

    @Test("a connection over the limit is closed at once; notices reach every client")
    func limitAndBroadcast() throws {
        let connections = try TriggerConnections(address: UInt32(0x7f00_0001).bigEndian, port: 0, limits: .init(maximumConnections: 1, maximumLineBytes: 64, idleSeconds: 0))
        defer { connections.closeAll() }
        let first = client(connections.port)
        let second = client(connections.port)
        defer { close(first); close(second) }
        let events = pump(connections) { events in events.contains { if case .refused = $0 { true } else { false } } }
        #expect(events.contains { if case .accepted = $0 { true } else { false } })
        var byte: UInt8 = 0
        #expect(recv(second, &byte, 1, 0) == 0, "the refused client reads end of file")
        _ = connections.broadcast("3|on|1796057585|471\n")
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = recv(first, &buffer, buffer.count, 0)
        #expect(String(decoding: buffer.prefix(max(0, count)), as: UTF8.self) == "3|on|1796057585|471\n")
    }
}
