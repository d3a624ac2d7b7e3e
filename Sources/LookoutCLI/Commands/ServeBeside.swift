import Glibc

/// `lookout run --http`: starts `lookout serve` as a child before this process becomes the agent (exec keeps the
/// pid), and tells it that pid: it ends within a second of the agent. The HTTP server never lives in the agent's
/// process, whose memory budget it would not fit (docs/health.md).
enum ServeBeside {
    static func start(listen: String, config: String?, control: String?) throws {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { throw CLIError("--http: cannot find this executable's path") }
        let executable = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var arguments = [executable, "serve", "--listen", listen, "--agent-pid", String(getpid())]
        if let config { arguments += ["--config", config] }
        if let control { arguments += ["--control", control] }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // Only stdin, stdout and stderr: a descriptor the agent's own parent watches for the agent's exit (Foundation's
        // Process does) must not stay open in this longer-lived child.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd in inheritedDescriptors() { posix_spawn_file_actions_addclose(&actions, fd) }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard status == 0 else { throw CLIError("--http: cannot start lookout serve: \(String(cString: strerror(status)))") }
    }

    /// Open descriptors above stderr without FD_CLOEXEC.
    static func inheritedDescriptors() -> [Int32] {
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        let own = dirfd(directory)
        var found: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let fd = Int32(name), fd > 2, fd != own else { continue }
            let flags = fcntl(fd, F_GETFD)
            if flags >= 0, flags & FD_CLOEXEC == 0 { found.append(fd) }
        }
        return found
    }
}
