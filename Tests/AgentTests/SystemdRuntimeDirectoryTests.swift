import Foundation
import Glibc
import Testing
@testable import Agent

/// systemd creates `RuntimeDirectory=` as `User:Group` with `RuntimeDirectoryMode`; the agent gives it the bus group
/// and mode, or subscribers in that group could not reach the sockets inside.
@Suite("runtime directory made by systemd")
struct SystemdRuntimeDirectoryTests {
    func owner(_ path: String) -> (mode: mode_t, gid: gid_t) {
        var info = stat()
        stat(path, &info)
        return (info.st_mode & 0o7777, info.st_gid)
    }

    @Test("$RUNTIME_DIRECTORY gets bus.runtime_dir_mode and bus.group")
    func systemdDirectoryGetsModeAndGroup() throws {
        let path = "/tmp/lookout-systemd-\(UUID().uuidString.prefix(8))"
        defer { rmdir(path) }
        #expect(mkdir(path, 0o700) == 0)
        try RuntimeDirectory.prepare(for: "ipc://\(path)/state.pub", mode: 0o750, group: "www-data", systemdDirectories: [path])
        let after = owner(path)
        #expect(after.mode == 0o750)
        #expect(after.gid == getgrnam("www-data")?.pointee.gr_gid)
    }

    @Test("an existing directory that is not the agent's (ipc:///tmp/… ) is left as it is")
    func foreignDirectoryUntouched() throws {
        let path = "/tmp/lookout-foreign-\(UUID().uuidString.prefix(8))"
        defer { rmdir(path) }
        #expect(mkdir(path, 0o700) == 0)
        try RuntimeDirectory.prepare(for: "ipc://\(path)/state.pub", mode: 0o755, group: "www-data", systemdDirectories: [])
        let after = owner(path)
        #expect(after.mode == 0o700)
        #expect(after.gid == 0)
    }
}
