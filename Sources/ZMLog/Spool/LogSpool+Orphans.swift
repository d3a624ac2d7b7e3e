internal import Glibc

extension LogSpool {
    /// Takes over the rows of `<id>.<pid>.spool` files next to this spool's `<id>.spool` whose process is gone (their
    /// `flock` is free): two processes with one id logged while the database was down, and the second one exited
    /// before it could send its rows. They are appended here (after the rows already queued) and the file is removed.
    /// Returns each adopted file with its row count.
    public func adoptOrphans() -> [(path: String, rows: Int)] {
        guard let path, let own = Self.spoolName(path) else { return [] }
        var adopted: [(path: String, rows: Int)] = []
        for candidate in Self.siblings(directory: own.directory, id: own.id) where candidate != path {
            guard FileIdentity(candidate) != FileIdentity(path) else { continue }
            let orphan = LogSpool(candidates: [candidate], limitBytes: Int.max)
            guard orphan.path != nil else { continue }  // held by a living process
            var moved = 0
            while !orphan.isEmpty {
                let batch = orphan.peek(maxRows: 500, maxBytes: 1 << 20)
                for row in batch.rows {
                    if case .dropped = append(row) { continue }
                    moved += 1
                }
                orphan.commit(batch)
            }
            orphan.close()
            if moved > 0 { adopted.append((candidate, moved)) }
        }
        return adopted
    }

    /// `<directory>/<id>.spool` or `<directory>/<id>.<pid>.spool` → directory and id.
    static func spoolName(_ path: String) -> (directory: String, id: String)? {
        guard let slash = path.lastIndex(of: "/"), path.hasSuffix(".spool") else { return nil }
        let directory = String(path[..<slash])
        var name = String(path[path.index(after: slash)...].dropLast(".spool".count))
        if let dot = name.lastIndex(of: "."), !name[name.index(after: dot)...].isEmpty,
           name[name.index(after: dot)...].allSatisfy(\.isNumber) {
            name = String(name[..<dot])
        }
        return name.isEmpty ? nil : (directory, name)
    }

    /// `<id>.<digits>.spool` files in `directory`.
    private static func siblings(directory: String, id: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var found: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix(id + "."), name.hasSuffix(".spool") else { continue }
            let middle = name.dropFirst(id.count + 1).dropLast(".spool".count)
            if !middle.isEmpty, middle.allSatisfy(\.isNumber) { found.append(directory + "/" + name) }
        }
        return found.sorted()
    }
}

/// Device and inode: two paths naming one file are not two spools.
private struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64

    init?(_ path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
    }
}
