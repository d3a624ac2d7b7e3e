#if canImport(Glibc)
import Glibc
#endif

/// The users a segment file may belong to before Lookout reads it.
///
/// The map directory (`/dev/shm`) is world-writable: anyone can create a `zm.mmap.<id>` there. Only files owned by
/// root, by the user Lookout runs as, or by ZoneMinder's own user (zmc runs as `ZM_WEB_USER`) are ZoneMinder's;
/// anything else is refused, so a local user cannot publish forged monitors.
public struct SegmentOwners: Sendable, Equatable, CustomStringConvertible {
    /// Allowed uids and how to name them in messages.
    public let users: [UInt32: String]

    public init(users: [UInt32: String]) { self.users = users }

    /// root, this process's effective user, and `zoneMinderUser` if the system knows that name.
    public init(zoneMinderUser: String) {
        var users: [UInt32: String] = [0: "root"]
        let euid = geteuid()
        users[euid] = users[euid] ?? Self.name(of: euid)
        if let zoneMinder = Self.uid(of: zoneMinderUser) { users[zoneMinder] = zoneMinderUser }
        self.init(users: users)
    }

    /// ZoneMinder's default `ZM_WEB_USER` on Debian and Ubuntu.
    public static let defaultZoneMinderUser = "www-data"

    /// What a caller without zm.conf gets: root, itself and `www-data`. Resolved once per process.
    public static let standard = SegmentOwners(zoneMinderUser: defaultZoneMinderUser)

    public func allows(_ uid: UInt32) -> Bool { users[uid] != nil }

    /// "root, www-data (33)" in uid order.
    public var description: String {
        users.keys.sorted().map { uid in uid == 0 ? "root" : "\(users[uid] ?? "?") (\(uid))" }.joined(separator: ", ")
    }

    static func name(of uid: UInt32) -> String {
        getpwuid(uid).map { String(cString: $0.pointee.pw_name) } ?? String(uid)
    }

    static func uid(of name: String) -> UInt32? { getpwnam(name).map { $0.pointee.pw_uid } }
}
