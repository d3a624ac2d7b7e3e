/// A first-in-first-out queue of length-prefixed spool records in memory, counting their bytes.
struct MemoryRecords {
    private var records: [[UInt8]] = []
    private var head = 0
    private(set) var bytes = 0

    var count: Int { records.count - head }
    var isEmpty: Bool { count == 0 }
    var first: [UInt8]? { isEmpty ? nil : records[head] }

    mutating func append(_ record: [UInt8]) {
        records.append(record)
        bytes += record.count
    }

    /// The oldest records, at most `maxRows` and about `maxBytes` (at least one when any is queued).
    func prefix(maxRows: Int, maxBytes: Int) -> [[UInt8]] {
        var taken: [[UInt8]] = []
        var takenBytes = 0
        for record in records[head...] {
            if taken.count >= maxRows || (takenBytes + record.count > maxBytes && !taken.isEmpty) { break }
            taken.append(record)
            takenBytes += record.count
        }
        return taken
    }

    mutating func removeFirst(_ n: Int) {
        for record in records[head..<(head + n)] { bytes -= record.count }
        head += n
        if head == records.count {
            records.removeAll(keepingCapacity: records.capacity <= 4096)
            head = 0
        } else if head > 1024, head * 2 > records.count {
            records.removeFirst(head)
            head = 0
        }
    }

    static func decode(_ record: [UInt8]) -> LogsRow? {
        record.withUnsafeBytes { LogsRowCodec.decode(UnsafeRawBufferPointer(rebasing: $0[4...])) }
    }
}
