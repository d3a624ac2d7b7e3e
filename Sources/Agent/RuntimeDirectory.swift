import Glibc

/// The directory that holds the ipc sockets (`/run/lookout`): created with the configured mode and group,
/// and the sockets made connectable by that group after binding.
enum RuntimeDirectory {
    /// The filesystem path behind an `ipc://` endpoint, or `nil` for tcp and the abstract namespace.
    static func socketPath(_ endpoint: String) -> String? {
        guard endpoint.hasPrefix("ipc://") else { return nil }
        let path = String(endpoint.dropFirst("ipc://".count))
        return path.hasPrefix("@") ? nil : path
    }

    /// Creates the socket's directory with `mode` and `group`. An existing directory gets them too when it is the
    /// agent's own: `/run/lookout`, or the one systemd made for the unit (`$RUNTIME_DIRECTORY`), which systemd
    /// creates `User:Group` with `RuntimeDirectoryMode` and no notion of the bus group.
    static func prepare(
        for endpoint: String, mode: UInt32, group: String,
        systemdDirectories: [String] = systemdRuntimeDirectories()
    ) throws(AgentStartError) {
        guard let path = socketPath(endpoint) else { return }
        let directory = parent(of: path)
        var info = stat()
        if stat(directory, &info) != 0 {
            guard mkdir(directory, mode_t(mode)) == 0 || errno == EEXIST else {
                throw AgentStartError("cannot create \(directory) for \(endpoint): \(String(cString: strerror(errno)))")
            }
            chmod(directory, mode_t(mode))
            try applyGroup(group, to: directory)
        } else if isAgentOwned(directory, systemdDirectories: systemdDirectories), info.st_uid == geteuid() {
            guard chmod(directory, mode_t(mode)) == 0 else {
                throw AgentStartError("cannot chmod \(directory): \(String(cString: strerror(errno)))")
            }
            try applyGroup(group, to: directory)
        }
        guard access(directory, W_OK) == 0 else {
            throw AgentStartError("cannot write \(directory) for \(endpoint): \(String(cString: strerror(errno))) (run as root or set bus.pub/bus.control)")
        }
    }

    static func finish(_ endpoint: String, mode: UInt32, group: String) throws(AgentStartError) {
        guard let path = socketPath(endpoint) else { return }
        guard chmod(path, mode_t(mode)) == 0 else {
            throw AgentStartError("cannot chmod \(path): \(String(cString: strerror(errno)))")
        }
        try applyGroup(group, to: path)
    }

    /// The per-user fallback (`$XDG_RUNTIME_DIR/lookout`, `/tmp/lookout-<uid>`) is created 0700. One that exists is
    /// used only when it is a directory (not a symlink) owned by `uid` that no group or other user may write: in a
    /// shared /tmp another user may have made it first, and could then replace the agent's sockets with their own.
    static func makePrivate(_ directory: String, uid: uid_t) throws(AgentStartError) {
        if mkdir(directory, 0o700) == 0 { return }
        guard errno == EEXIST else {
            throw AgentStartError("cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard lstat(directory, &info) == 0 else {
            throw AgentStartError("cannot inspect \(directory): \(String(cString: strerror(errno)))")
        }
        let kind = info.st_mode & S_IFMT
        let mode = info.st_mode & 0o7777
        let problem: String? =
            kind == S_IFLNK ? "it is a symbolic link"
            : kind != S_IFDIR ? "it is not a directory"
            : info.st_uid != uid ? "it belongs to another user"
            : mode & 0o022 != 0 ? "group or others may write it"
            : nil
        guard let problem else { return }
        throw AgentStartError(
            "refusing \(directory) as the agent's runtime directory: \(problem) (owner \(userName(info.st_uid)), mode "
                + "\(octal(mode))); it must be a directory of \(userName(uid)) that only its owner may write. Remove it, "
                + "or set XDG_RUNTIME_DIR, or bus.pub and bus.control")
    }

    /// The directories of `RuntimeDirectory=`, as systemd passes them (colon-separated absolute paths).
    static func systemdRuntimeDirectories() -> [String] {
        guard let value = getenv("RUNTIME_DIRECTORY") else { return [] }
        return String(cString: value).split(separator: ":").map(String.init)
    }

    /// Only a directory that exists for the agent is re-moded: an endpoint such as `ipc:///tmp/bus` must never make
    /// the agent chmod `/tmp`.
    private static func isAgentOwned(_ directory: String, systemdDirectories: [String]) -> Bool {
        directory == parent(of: socketPath(AgentConfiguration.Bus.defaultPublish) ?? "") || systemdDirectories.contains(directory)
    }

    /// Whether the default `/run/lookout` can be used by this process (root, or an existing writable directory).
    static func usable(_ endpoint: String) -> Bool {
        guard let path = socketPath(endpoint) else { return true }
        let directory = parent(of: path)
        if access(directory, W_OK) == 0 { return true }
        return access(parent(of: directory), W_OK) == 0 && access(directory, F_OK) != 0
    }

    private static func applyGroup(_ group: String, to path: String) throws(AgentStartError) {
        guard !group.isEmpty else { return }
        guard let entry = getgrnam(group) else { throw AgentStartError("bus.group '\(group)' does not exist (create it: groupadd \(group))") }
        guard chown(path, uid_t.max, entry.pointee.gr_gid) == 0 else {
            throw AgentStartError("cannot give \(path) to group \(group): \(String(cString: strerror(errno)))")
        }
    }

    private static func userName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid) else { return "uid \(uid)" }
        return "\(String(cString: entry.pointee.pw_name)) (uid \(uid))"
    }

    private static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// `/a/b/c` → `/a/b`, `/a` → `/`, `a` → `` (as NSString's deletingLastPathComponent, for absolute paths).
    static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

}

/// Why the agent could not start; printed as is, then the process exits non-zero.
public struct AgentStartError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
