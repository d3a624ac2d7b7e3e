import Dispatch
import Glibc
import LookoutJSON
import Synchronization

/// The header fields a subscriber needs for gap and restart detection.
struct HeaderFields {
    let seq: UInt64
    let gseq: UInt64
    let epoch: String

    init?(_ bytes: [UInt8]) {
        guard let object = try? JSONValue.parse(bytes), let seq = object["seq"]?.uint64Value,
              let gseq = object["gseq"]?.uint64Value, let epoch = object["epoch"]?.stringValue else { return nil }
        self.seq = seq
        self.gseq = gseq
        self.epoch = epoch
    }

    init?(_ text: String) { self.init(Array(text.utf8)) }
}

/// Prints bus messages and counts per-topic sequence gaps (messages the subscriber lost).
struct BusPrinter {
    let json: Bool
    private var lastSeq: [String: UInt64] = [:]
    private var epoch: String?
    private var messages = 0
    private var gaps = 0
    private var lost: UInt64 = 0

    init(json: Bool) { self.json = json }

    mutating func print(topic: String, header: String, body: String, snapshot: Bool, fields: HeaderFields? = nil) {
        if let fields = fields ?? HeaderFields(header) {
            if epoch != fields.epoch {
                lastSeq = [:]
                epoch = fields.epoch
            }
            if let last = lastSeq[topic], fields.seq > last + 1 {
                gaps += 1
                lost += fields.seq - last - 1
                writeStandardError("lookout sub: gap on \(topic): seq \(last) then \(fields.seq) (\(fields.seq - last - 1) lost)\n")
            }
            lastSeq[topic] = max(lastSeq[topic] ?? 0, fields.seq)
        }
        messages += 1
        let line: String
        if json {
            line = #"{"topic":"\#(topic)","snapshot":\#(snapshot),"header":\#(header),"body":\#(body)}"#
        } else {
            line = "\(topic) \(header) \(body)" + (snapshot ? " (snapshot)" : "")
        }
        writeStandardOutput((line + "\n"))
    }

    func summary() {
        writeStandardError("lookout sub: \(messages) messages, \(gaps) gaps, \(lost) lost\n")
    }
}

/// Set by SIGINT or SIGTERM, so a subscriber stops cleanly and prints its summary.
final class InterruptFlag: @unchecked Sendable {
    private let flag = Mutex(false)
    private let sources: [any DispatchSourceSignal]

    init() {
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: number, queue: .global()))
        }
        self.sources = sources
        for source in sources {
            source.setEventHandler { [weak self] in self?.raise() }
            source.resume()
        }
    }

    private func raise() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
