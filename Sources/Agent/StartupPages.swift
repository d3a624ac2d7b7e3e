import Glibc

/// Start-up runs code the agent never runs again (configuration, discovery, the first snapshot, the database and
/// TLS libraries' set-up), and every page of it, with the kernel's 64 KiB fault-around neighbourhood, stays
/// resident for the daemon's whole life. Once start-up is over the agent asks the kernel to reclaim its private,
/// file-backed pages (its own code and data and its libraries'): nothing is lost (see `reclaimable`), pages other
/// processes also map are left alone by the kernel, and what the steady state runs faults straight back in.
/// docs/performance.md measures it.
enum StartupPages {
    /// `MADV_PAGEOUT` (Linux 5.4); an older kernel answers EINVAL and the pages simply stay.
    private static let pageOutAdvice: Int32 = 21
    /// Long enough for the first snapshots clients ask for after a restart.
    static let afterReadySeconds = 10.0

    /// Returns the number of mappings advised.
    @discardableResult
    static func release() -> Int {
        guard case .success(let maps) = TextFile.read("/proc/self/maps") else { return 0 }
        let advised = maps.split(separator: UInt8(ascii: "\n")).compactMap(reclaimable).filter(pageOut).count
        dropExecutableFromPageCache()
        _ = glibcMallocTrim(0)  // and the heap pages start-up's discovery and first snapshots freed
        return advised
    }

    /// Asks the kernel to reclaim one mapping's pages; true when it took the advice.
    static func pageOut(_ range: (start: UInt, end: UInt)) -> Bool {
        let start = UnsafeMutableRawPointer(bitPattern: range.start), length = Int(range.end - range.start)
        // No read-around when a page faults back in: only what runs comes back, not its 128 KiB neighbourhood.
        _ = madvise(start, length, MADV_RANDOM)
        return madvise(start, length, pageOutAdvice) == 0
    }

    /// Reclaim leaves the agent's own executable in the page cache (large folios the kernel does not split), and
    /// fault-around would map those neighbours straight back; nobody else maps this file, so drop its cached pages
    /// that are no longer mapped. Libraries are left alone: other processes use their pages.
    private static func dropExecutableFromPageCache() {
        let descriptor = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
        close(descriptor)
    }

    /// `start-end perms offset dev inode path`: private and backed by a file (a path, not `[vdso]`). Reclaim keeps
    /// every byte: a page the process wrote (relocations, `.data`) is anonymous and stays without swap, a clean one
    /// is read from the file again when touched. Shared mappings (the segments and frame buffers, `r--s`) are not
    /// touched.
    static func reclaimable(_ line: ArraySlice<UInt8>) -> (start: UInt, end: UInt)? {
        let fields = line.split(separator: UInt8(ascii: " "), maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count == 6, fields[1].count == 4 else { return nil }
        let perms = Array(fields[1])
        guard perms[3] == UInt8(ascii: "p") else { return nil }
        let path = fields[5].drop { $0 == UInt8(ascii: " ") }
        guard path.first == UInt8(ascii: "/") else { return nil }
        let bounds = fields[0].split(separator: UInt8(ascii: "-"))
        guard bounds.count == 2, let start = UInt(String(decoding: bounds[0], as: UTF8.self), radix: 16),
              let end = UInt(String(decoding: bounds[1], as: UTF8.self), radix: 16), end > start else { return nil }
        return (start, end)
    }
}
