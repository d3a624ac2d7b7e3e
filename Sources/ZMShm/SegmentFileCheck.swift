#if canImport(Glibc)
import Glibc
#endif

/// What an opened `zm.mmap.<id>` must be before it is mapped: a regular file owned by an allowed user.
enum SegmentFileCheck {
    static func check(_ info: stat, path: String, owners: SegmentOwners) throws(SegmentError) {
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG else {
            throw SegmentError(
                .notRegularFile, path: path,
                "\(path) is a \(typeName(type)), not a regular file: not a ZoneMinder segment, ignored (someone else created it)")
        }
        guard owners.allows(info.st_uid) else {
            throw SegmentError(
                .untrustedOwner, path: path,
                "\(path) belongs to \(SegmentOwners.name(of: info.st_uid)) (uid \(info.st_uid)); segments are read only "
                    + "when owned by \(owners) (ZoneMinder's ZM_WEB_USER): not trusted, ignored")
        }
    }

    static func typeName(_ type: mode_t) -> String {
        switch type {
        case S_IFIFO: "FIFO"
        case S_IFDIR: "directory"
        case S_IFSOCK: "socket"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        case S_IFLNK: "symbolic link"
        default: "file of type 0o\(String(type, radix: 8))"
        }
    }
}
