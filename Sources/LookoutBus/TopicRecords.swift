import Glibc

/// Every topic the publisher has sent on, by position: its sequence and, for a retained topic, its last message.
/// Positions never change (a forgotten topic keeps its record and its sequence), so the publisher's sorted index,
/// re-publish cycle and snapshots hold 4-byte positions, and a re-publish or a snapshot reaches a record without
/// hashing its topic.
///
/// The topic → position index is an open-addressed table of positions, hashed over the topic's bytes with a seed
/// chosen per process. At 4 096 monitors (16 385 topics) a `[String: Int32]` took 655 KB in its buckets and
/// SipHash cost about 800 instructions per message; this table takes 128 KB and a look-up about 100.
struct TopicRecords {
    struct Record {
        let topic: String
        /// The retained message's body; nil for a topic not retained (or forgotten).
        var body: String?
        var sequence: UInt64 = 0
        var globalSequence: UInt64 = 0
        var timestampMilliseconds: Int64 = 0
        var source: UInt8 = 0
        var refresh = false

        init(topic: String) { self.topic = topic }
    }

    /// Positions, or -1 for an empty slot; a power of two long, at most three quarters full.
    private var slots = [Int32](repeating: -1, count: 64)
    private var records = ChunkedRecords()
    private(set) var sources: [String] = []
    private let seed = UInt64.random(in: .min ... .max)

    var count: Int { records.count }

    subscript(position: Int) -> Record {
        _read { yield records[position] }
        _modify { yield &records[position] }
    }

    func position(of topic: String) -> Int? {
        let (found, _) = Self.bytes(of: topic) { probe($0) }
        return found
    }

    /// `topic`'s position, adding a record for it if it has none.
    mutating func positionAdding(_ topic: String) -> Int {
        let (found, slot) = Self.bytes(of: topic) { probe($0) }
        if let found { return found }
        precondition(records.count < Int(Int32.max), "more than 2^31 bus topics")
        let position = records.count
        records.append(Record(topic: topic))
        if records.count * 4 > slots.count * 3 {
            rehash(slotCount: slots.count * 2)
        } else {
            slots[slot] = Int32(position)
        }
        return position
    }

    func isRetained(_ position: Int) -> Bool { records[position].body != nil }

    /// What a sent message leaves behind: the topic's next sequence and, when `retain`, the message itself.
    /// One call per message, so the publisher's hot path touches its records once.
    mutating func record(
        at position: Int, body: String, retain: Bool, globalSequence: UInt64, timestampMilliseconds: Int64, source: String
    ) -> (topic: String, sequence: UInt64, newlyRetained: Bool) {
        let source = sourceIndex(source)
        return records.update(position) { record in
            record.sequence += 1
            guard retain else { return (record.topic, record.sequence, false) }
            let newlyRetained = record.body == nil
            record.body = body
            record.globalSequence = globalSequence
            record.timestampMilliseconds = timestampMilliseconds
            record.source = source
            record.refresh = false
            return (record.topic, record.sequence, newlyRetained)
        }
    }

    /// Re-numbers a retained topic's message as a re-publish and returns what to send; nil when it is not retained.
    mutating func refresh(_ position: Int, globalSequence: UInt64, timestampMilliseconds: Int64) -> Record? {
        records.update(position) { record in
            guard record.body != nil else { return nil }
            record.sequence += 1
            record.globalSequence = globalSequence
            record.timestampMilliseconds = timestampMilliseconds
            record.refresh = true
            return record
        }
    }

    func message(at position: Int, epoch: String) -> BusMessage? {
        let record = records[position]
        guard let body = record.body else { return nil }
        let header = BusHeader(
            sequence: record.sequence, globalSequence: record.globalSequence, epoch: epoch,
            timestampMilliseconds: record.timestampMilliseconds, source: sources[Int(record.source)],
            refresh: record.refresh)
        return BusMessage(topic: record.topic, header: header, body: body)
    }

    mutating func sourceIndex(_ source: String) -> UInt8 {
        if let index = sources.firstIndex(of: source) { return UInt8(index) }
        precondition(sources.count < Int(UInt8.max), "more than 255 distinct bus message sources")
        sources.append(source)
        return UInt8(sources.count - 1)
    }

    /// The topic's position if it has a record, and the slot where the probe ended (where it would go).
    private func probe(_ topic: UnsafeBufferPointer<UInt8>) -> (Int?, Int) {
        let hash = hash(topic)
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var slot = hash & mask
            while true {
                let position = Int(slots[slot])
                if position < 0 { return (nil, slot) }
                if records.topicEquals(position, topic) { return (position, slot) }
                slot = (slot + 1) & mask
            }
        }
    }

    private mutating func rehash(slotCount: Int) {
        slots = [Int32](repeating: -1, count: slotCount)
        let mask = slotCount - 1
        for position in 0..<records.count {
            var slot = Self.bytes(of: records[position].topic) { hash($0) } & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(position)
        }
    }

    /// FNV-1a over the bytes, from a per-process seed (topics come from monitor ids a local user can choose).
    private func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash = seed ^ 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }

    /// A native string's bytes in place (every topic the agent makes); a copy otherwise.
    fileprivate static func bytes<Result>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        text.utf8.withContiguousStorageIfAvailable(body) ?? Array(text.utf8).withUnsafeBufferPointer(body)
    }
}

/// Records in chunks of 1 024: appending never copies them all into an array of twice the size (16 385 topics
/// would leave a 32 768-record buffer, 2 MB, half of it empty).
private struct ChunkedRecords {
    private static let chunkShift = 10
    private static let chunkMask = (1 << chunkShift) - 1
    private var chunks: [[TopicRecords.Record]] = []
    private(set) var count = 0

    subscript(position: Int) -> TopicRecords.Record {
        _read { yield chunks[position >> Self.chunkShift][position & Self.chunkMask] }
        _modify { yield &chunks[position >> Self.chunkShift][position & Self.chunkMask] }
    }

    mutating func update<Result>(_ position: Int, _ body: (inout TopicRecords.Record) -> Result) -> Result {
        body(&chunks[position >> Self.chunkShift][position & Self.chunkMask])
    }

    func topicEquals(_ position: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let topic = chunks[position >> Self.chunkShift][position & Self.chunkMask].topic
        guard topic.utf8.count == bytes.count else { return false }
        guard !bytes.isEmpty, let other = bytes.baseAddress else { return true }
        return TopicRecords.bytes(of: topic) { memcmp($0.baseAddress!, other, bytes.count) == 0 }
    }

    mutating func append(_ record: TopicRecords.Record) {
        if count & Self.chunkMask == 0 {
            var chunk: [TopicRecords.Record] = []
            chunk.reserveCapacity(1 << Self.chunkShift)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(record)
        count += 1
    }
}
