import Glibc

/// inotify on the map directory: which `zm.mmap.<id>` files were created, removed, replaced or truncated since the
/// last look. The poll loop then stats a segment's path only when something happened to it (one non-blocking
/// `read` per tick instead of every path once a second), and starts following a new monitor at once.
///
/// zmc's writes through its mapping raise no events; file creation, unlink, rename and `ftruncate` do — exactly
/// the ways a segment is replaced or resized. When the kernel's queue overflowed or the watch is gone, `take()`
/// says "everything", and a lost watch makes `isWatching` false so the caller goes back to stat'ing.
final class MapDirectoryWatch {
    struct Changes {
        /// Monitors whose segment file had an event.
        var ids: Set<Int> = []
        /// Events were lost (queue overflow) or the watch ended: check every path.
        var everything = false
        /// A file other than a segment had an event (a TS channel's `sfb_*` when the directories are the same).
        var others = false

        mutating func merge(_ other: Changes) {
            ids.formUnion(other.ids)
            everything = everything || other.everything
            others = others || other.others
        }
    }

    private static let prefix = Array("zm.mmap.".utf8)
    private static let mask: UInt32 =
        UInt32(IN_CREATE) | UInt32(IN_DELETE) | UInt32(IN_MOVED_FROM) | UInt32(IN_MOVED_TO) | UInt32(IN_MODIFY)
        | UInt32(IN_ATTRIB) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)
    private let fd: Int32
    private(set) var isWatching = true
    /// Nothing is known about changes before the watch began: the first `take()` says "everything".
    private var started = false
    private var buffer = [UInt8](repeating: 0, count: 8 << 10)

    /// `nil` when inotify is unavailable (instance limit reached, directory missing); the caller stats instead.
    init?(directory: String) {
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard fd >= 0 else { return nil }
        guard inotify_add_watch(fd, directory, Self.mask) >= 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Readable when events wait: the loop includes it in its wait and calls `take()` when it fires (-1 once the
    /// watch ended).
    var descriptor: Int32 { isWatching ? fd : -1 }

    func take() -> Changes {
        var changes = Changes()
        if !started {
            started = true
            changes.everything = true
        }
        guard isWatching else {
            changes.everything = true
            return changes
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN { stop(&changes) }
                return changes
            }
            if count == 0 { return changes }
            buffer.withUnsafeBytes { parse(UnsafeRawBufferPointer(rebasing: $0[..<count]), into: &changes) }
            if !isWatching { return changes }
        }
    }

    private func parse(_ events: UnsafeRawBufferPointer, into changes: inout Changes) {
        let header = MemoryLayout<inotify_event>.size
        var offset = 0
        while offset + header <= events.count {
            let mask = events.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let nameLength = Int(events.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let name = events[(offset + header)..<min(offset + header + nameLength, events.count)].prefix { $0 != 0 }
            offset += header + nameLength
            if mask & UInt32(IN_Q_OVERFLOW) != 0 { changes.everything = true }
            if mask & (UInt32(IN_IGNORED) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF)) != 0 { stop(&changes) }
            if let id = Self.monitorID(name) { changes.ids.insert(id) } else { changes.others = true }
        }
    }

    private func stop(_ changes: inout Changes) {
        isWatching = false
        changes.everything = true
    }

    private static func monitorID(_ name: Slice<UnsafeRawBufferPointer>) -> Int? {
        guard name.count > prefix.count, name.starts(with: prefix) else { return nil }
        var id = 0
        for byte in name.dropFirst(prefix.count) {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), id < 1_000_000_000 else { return nil }
            id = id * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return id
    }
}
