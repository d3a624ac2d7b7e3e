#if canImport(Glibc)
import Glibc
#endif

/// What `lstat` says about a path, compared to notice that a failing file was replaced or changed.
public struct FileIdentity: Equatable {
    let device: UInt64
    let inode: UInt64
    let mode: UInt32
    let owner: UInt32
    let size: Int64
    let modified: timespec
    let changed: timespec

    /// `nil` when nothing is at the path.
    public static func of(_ path: String) -> FileIdentity? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return FileIdentity(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), mode: info.st_mode, owner: info.st_uid,
            size: Int64(info.st_size), modified: info.st_mtim, changed: info.st_ctim)
    }

    public static func == (a: FileIdentity, b: FileIdentity) -> Bool {
        (a.device, a.inode, a.mode, a.owner, a.size) == (b.device, b.inode, b.mode, b.owner, b.size)
            && (a.modified.tv_sec, a.modified.tv_nsec, a.changed.tv_sec, a.changed.tv_nsec)
                == (b.modified.tv_sec, b.modified.tv_nsec, b.changed.tv_sec, b.changed.tv_nsec)
    }
}
