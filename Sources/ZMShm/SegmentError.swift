#if canImport(Glibc)
import Glibc
#endif

/// Why a segment could not be read or written. `message` names the path and what to do about it.
public struct SegmentError: Error, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// No file at the path: zmc is not running for this monitor (or the map directory is wrong).
        case notFound
        /// The file exists but this user may not open it; the message names the user or group needed.
        case permissionDenied
        /// The path is a symbolic link; segments are opened without following links.
        case symbolicLink
        /// The path is a FIFO, directory, socket or device, not a regular file; the message names the type.
        case notRegularFile
        /// The file belongs to a user other than root, this process's user or ZoneMinder's; the message names both.
        case untrustedOwner
        /// The file is empty or `size` is 0: zmc has not initialised it yet, or has just shut down.
        case notInitialised
        /// `SharedData.size` is not a layout ZoneMinder ever shipped.
        case unknownLayout
        /// `TriggerData.size` is not 560: the bytes are not what the layout says.
        case badTriggerData
        /// The file is shorter than the layout needs.
        case truncated
        /// The file shrank under the mapping (access faulted); re-open the path.
        case shrunk
        /// The segment changed layout or was re-created since it was opened; re-open the path.
        case stale
        /// `valid` is 0; writing into it would be lost.
        case invalid
        /// A write was asked of a read-only mapping.
        case readOnly
        /// The layout has no such field or region (e.g. images on master without the frame size).
        case unsupported
        /// Any other system call failure; `errno` is set.
        case system
    }

    public let code: Code
    public let path: String
    public let message: String
    public let errno: Int32?

    public init(_ code: Code, path: String, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.errno = errno
    }

    public var description: String { message }

    static func fromOpen(path: String, errno code: Int32, writable: Bool) -> SegmentError {
        switch code {
        case ENOENT:
            return SegmentError(.notFound, path: path, "\(path) does not exist: is zmc running for this monitor?", errno: code)
        case ELOOP:
            return SegmentError(
                .symbolicLink, path: path,
                "\(path) is a symbolic link: segments are not followed through links (someone else created it), ignored",
                errno: code)
        case ENXIO, ENODEV:
            return SegmentError(
                .notRegularFile, path: path, "\(path) is a device or socket, not a regular file: ignored", errno: code)
        case EACCES, EPERM:
            return SegmentError(.permissionDenied, path: path, permissionMessage(path: path, writable: writable), errno: code)
        default:
            return SegmentError(.system, path: path, "open \(path): \(String(cString: strerror(code)))", errno: code)
        }
    }

    /// "zm.mmap.3 is 0640 www-data:www-data; …": names the user or group that would be allowed in.
    static func permissionMessage(path: String, writable: Bool) -> String {
        let access = writable ? "read-write" : "read-only"
        var info = stat()
        guard stat(path, &info) == 0 else { return "cannot open \(path) \(access): permission denied" }
        let owner = getpwuid(info.st_uid).map { String(cString: $0.pointee.pw_name) } ?? String(info.st_uid)
        let group = getgrgid(info.st_gid).map { String(cString: $0.pointee.gr_name) } ?? String(info.st_gid)
        let mode = String(info.st_mode & 0o777, radix: 8)
        let groupBit: mode_t = writable ? 0o020 : 0o040
        let run = owner == "root" ? "run as root" : "run as root or \(owner)"
        let advice: String
        if info.st_mode & groupBit != 0 {
            advice = "\(run), or add this user to group \(group) (usermod -aG \(group) USER, then log in again)"
        } else {
            advice = "\(run) (mode 0\(mode) gives group \(group) no \(writable ? "write" : "read") access)"
        }
        return "cannot open \(path) \(access): permission denied; it is 0\(mode) \(owner):\(group); \(advice)"
    }
}
