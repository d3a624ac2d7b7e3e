import Foundation
import Glibc
import Testing
@testable import Agent

/// The per-user fallback runtime directory (`/tmp/lookout-<uid>`) must be the user's own: in a shared /tmp another
/// user could create it first and then replace the agent's sockets.
@Suite("fallback runtime directory")
struct RuntimeDirectoryTests {
    let user: uid_t = 4321
    let other: uid_t = 65534

    func scratch() -> String { "/tmp/lookout-test-\(UUID().uuidString.prefix(8))" }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        lstat(path, &info)
        return info.st_mode & 0o7777
    }

    @Test("a missing directory is created 0700")
    func createdPrivate() throws {
        let path = scratch()
        defer { rmdir(path) }
        try RuntimeDirectory.makePrivate(path, uid: getuid())
        #expect(mode(path) == 0o700)
    }

    @Test("one made by another user with mode 0777 is refused, naming the path, owner and mode")
    func anotherUsersDirectoryIsRefused() throws {
        let path = scratch()
        defer { rmdir(path) }
        #expect(mkdir(path, 0o777) == 0 && chmod(path, 0o777) == 0 && chown(path, other, other) == 0)
        let error = #expect(throws: AgentStartError.self) { try RuntimeDirectory.makePrivate(path, uid: user) }
        let text = error?.description ?? ""
        #expect(text.contains("refusing \(path)") && text.contains("belongs to another user"), "\(text)")
        #expect(text.contains("owner nobody (uid 65534)") && text.contains("mode 0777"), "\(text)")
    }

    @Test("the user's own directory is refused while group or others may write it, and used once they may not")
    func ownButWritableByOthers() throws {
        let path = scratch()
        defer { rmdir(path) }
        #expect(mkdir(path, 0o700) == 0 && chown(path, user, user) == 0 && chmod(path, 0o770) == 0)
        let error = #expect(throws: AgentStartError.self) { try RuntimeDirectory.makePrivate(path, uid: user) }
        #expect(error?.description.contains("group or others may write it (owner uid 4321, mode 0770)") == true, "\(String(describing: error))")
        #expect(chmod(path, 0o750) == 0)
        try RuntimeDirectory.makePrivate(path, uid: user)
    }

    @Test("a symbolic link is refused, even to a good directory")
    func symlinkIsRefused() throws {
        let target = scratch()
        let path = scratch()
        defer {
            unlink(path)
            rmdir(target)
        }
        #expect(mkdir(target, 0o700) == 0 && chown(target, user, user) == 0 && symlink(target, path) == 0)
        let error = #expect(throws: AgentStartError.self) { try RuntimeDirectory.makePrivate(path, uid: user) }
        #expect(error?.description.contains("it is a symbolic link") == true, "\(String(describing: error))")
    }
}
