/// Every topic's sequence and, for a retained topic, its last message, in one dictionary entry of 48 bytes: the
/// topic is the key, the epoch is the publisher's, the source an index into a few interned names. At 4 096
/// monitors (16 385 retained topics) a `[String: BusMessage]` beside a `[String: UInt64]` of sequences took
/// 4.4 MB in their buckets; this takes 2.1 MB (docs/performance.md, "Scale: the agent's resident set").
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

    private var records: [String: Record] = [:]
    private var sources: [String] = []

    /// The next sequence of `topic`, and the topic string already stored (so a retained message does not keep
    /// a copy of its own: 16 000 small allocations at 4 096 monitors).
    mutating func nextSequence(_ topic: String) -> (topic: String, sequence: UInt64) {
        if let index = records.index(forKey: topic) {
            let sequence = records.values[index].sequence + 1
            records.values[index].sequence = sequence
            return (records.keys[index], sequence)
        }
        records[topic] = Record(sequence: 1)
        return (topic, 1)
    }

    /// Keeps `header` and `body` as `topic`'s retained message (the topic's sequence is already `header`'s).
    /// True when the topic was not retained before.
    mutating func retain(_ topic: String, header: BusHeader, body: String) -> Bool {
        let source = sourceIndex(header.source)
        guard let index = records.index(forKey: topic) else {
            records[topic] = Record(
                sequence: header.sequence, globalSequence: header.globalSequence,
                timestampMilliseconds: header.timestampMilliseconds, body: body, source: source, refresh: header.refresh)
            return true
        }
        let wasRetained = records.values[index].body != nil
        records.values[index].globalSequence = header.globalSequence
        records.values[index].timestampMilliseconds = header.timestampMilliseconds
        records.values[index].body = body
        records.values[index].source = source
        records.values[index].refresh = header.refresh
        return !wasRetained
    }

    /// Drops `topic`'s retained message, keeping its sequence. True when it was retained.
    mutating func forget(_ topic: String) -> Bool {
        guard let index = records.index(forKey: topic), records.values[index].body != nil else { return false }
        records.values[index].body = nil
        return true
    }

    func isRetained(_ topic: String) -> Bool { records[topic]?.body != nil }

    func message(_ topic: String, epoch: String) -> BusMessage? {
        guard let record = records[topic], let body = record.body else { return nil }
        let header = BusHeader(
            sequence: record.sequence, globalSequence: record.globalSequence, epoch: epoch,
            timestampMilliseconds: record.timestampMilliseconds, source: sources[Int(record.source)],
            refresh: record.refresh)
        return BusMessage(topic: topic, header: header, body: body)
    }

    private mutating func sourceIndex(_ source: String) -> UInt8 {
        if let index = sources.firstIndex(of: source) { return UInt8(index) }
        precondition(sources.count < Int(UInt8.max), "more than 255 distinct bus message sources")
        sources.append(source)
        return UInt8(sources.count - 1)
    }
}
