/// Every topic's sequence and, for a retained topic, its last message, in one record of 48 bytes: the topic is
/// the key of a small index, the epoch is the publisher's, the source an index into a few interned names. At 4 096
/// monitors (16 385 retained topics) a `[String: BusMessage]` beside a `[String: UInt64]` of sequences took
/// 4.4 MB in their buckets; one `[String: Record]` 2.1 MB (its 32 768 buckets hold the whole record); this,
/// 20-byte buckets and the records in chunks, 1.5 MB (docs/performance.md, "Scale: the agent's resident set").
struct TopicRecords {
    struct Record {
        var sequence: UInt64 = 0
        var globalSequence: UInt64 = 0
        var timestampMilliseconds: Int64 = 0
        /// The retained message's body; nil for a topic not retained (or forgotten).
        var body: String?
        var source: UInt8 = 0
        var refresh = false
    }

    /// Topic → position in `records`. Records are never removed (a forgotten topic keeps its sequence).
    private var positions: [String: Int32] = [:]
    private var records = ChunkedRecords()
    private var sources: [String] = []

    /// The next sequence of `topic`, and the topic string already stored (so a retained message does not keep
    /// a copy of its own: 16 000 small allocations at 4 096 monitors).
    mutating func nextSequence(_ topic: String) -> (topic: String, sequence: UInt64) {
        if let index = positions.index(forKey: topic) {
            let position = Int(positions.values[index])
            records[position].sequence += 1
            return (positions.keys[index], records[position].sequence)
        }
        add(topic, Record(sequence: 1))
        return (topic, 1)
    }

    /// Keeps `header` and `body` as `topic`'s retained message (the topic's sequence is already `header`'s).
    /// True when the topic was not retained before.
    mutating func retain(_ topic: String, header: BusHeader, body: String) -> Bool {
        let source = sourceIndex(header.source)
        guard let position = positions[topic].map(Int.init) else {
            add(topic, Record(
                sequence: header.sequence, globalSequence: header.globalSequence,
                timestampMilliseconds: header.timestampMilliseconds, body: body, source: source, refresh: header.refresh))
            return true
        }
        let wasRetained = records[position].body != nil
        records[position].globalSequence = header.globalSequence
        records[position].timestampMilliseconds = header.timestampMilliseconds
        records[position].body = body
        records[position].source = source
        records[position].refresh = header.refresh
        return !wasRetained
    }

    /// Drops `topic`'s retained message, keeping its sequence. True when it was retained.
    mutating func forget(_ topic: String) -> Bool {
        guard let position = positions[topic].map(Int.init), records[position].body != nil else { return false }
        records[position].body = nil
        return true
    }

    func isRetained(_ topic: String) -> Bool { positions[topic].map { records[Int($0)].body != nil } ?? false }

    func message(_ topic: String, epoch: String) -> BusMessage? {
        guard let position = positions[topic], let body = records[Int(position)].body else { return nil }
        let record = records[Int(position)]
        let header = BusHeader(
            sequence: record.sequence, globalSequence: record.globalSequence, epoch: epoch,
            timestampMilliseconds: record.timestampMilliseconds, source: sources[Int(record.source)],
            refresh: record.refresh)
        return BusMessage(topic: topic, header: header, body: body)
    }

    private mutating func add(_ topic: String, _ record: Record) {
        precondition(records.count < Int(Int32.max), "more than 2^31 bus topics")
        positions[topic] = Int32(records.count)
        records.append(record)
    }

    private mutating func sourceIndex(_ source: String) -> UInt8 {
        if let index = sources.firstIndex(of: source) { return UInt8(index) }
        precondition(sources.count < Int(UInt8.max), "more than 255 distinct bus message sources")
        sources.append(source)
        return UInt8(sources.count - 1)
    }
}

/// Records in chunks of 1 024: appending never copies them all into an array of twice the size (16 385 topics
/// would leave a 32 768-record buffer, 1.5 MB, half of it empty).
private struct ChunkedRecords {
    private static let chunkShift = 10
    private var chunks: [[TopicRecords.Record]] = []
    private(set) var count = 0

    subscript(position: Int) -> TopicRecords.Record {
        get { chunks[position >> Self.chunkShift][position & ((1 << Self.chunkShift) - 1)] }
        set { chunks[position >> Self.chunkShift][position & ((1 << Self.chunkShift) - 1)] = newValue }
    }

    mutating func append(_ record: TopicRecords.Record) {
        if count & ((1 << Self.chunkShift) - 1) == 0 {
            var chunk: [TopicRecords.Record] = []
            chunk.reserveCapacity(1 << Self.chunkShift)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(record)
        count += 1
    }
}
