import Foundation
import Testing
@testable import ZMShm

/// Anyone can create files in /dev/shm: whatever a local user puts at `zm.mmap.<id>` must be refused at once with
/// its own error code, never block the reader, and never be read as ZoneMinder's.
@Suite("Files a local user planted in the map directory")
struct HostileFileTests {
    static let nobody: UInt32 = 65534

    @Test("a FIFO is refused without blocking in open")
    func fifo() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("zm.mmap.77")
        #expect(mkfifo(path, 0o666) == 0)
        let error = #expect(throws: SegmentError.self) { try ZMSegment(path: path) }
        #expect(error?.code == .notRegularFile)
        #expect(error?.message.contains("FIFO") == true, "\(error?.message ?? "")")
        let writable = #expect(throws: SegmentError.self) { try ZMSegment(path: path, writable: true) }
        #expect(writable?.code == .notRegularFile)
        #expect(SegmentFollower(path: path).poll().error?.code == .notRegularFile)
    }

    @Test("a symbolic link is not followed, even to a good segment")
    func symlink() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let target = try LayoutSample.fixture(.zm136).write(to: dir.file("real"))
        let path = dir.file("zm.mmap.78")
        #expect(Glibc.symlink(target, path) == 0)
        let error = #expect(throws: SegmentError.self) { try ZMSegment(path: path) }
        #expect(error?.code == .symbolicLink)
        #expect(error?.message.contains("symbolic link") == true)
        #expect(SegmentFollower(path: path).poll().error?.code == .symbolicLink)
    }

    @Test("a directory is refused and named")
    func directory() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("zm.mmap.79")
        #expect(mkdir(path, 0o755) == 0)
        let error = #expect(throws: SegmentError.self) { try ZMSegment(path: path) }
        #expect(error?.code == .notRegularFile)
        #expect(error?.message.contains("directory") == true, "\(error?.message ?? "")")
    }

    @Test("a listening Unix socket is refused")
    func socket() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("zm.mmap.80")
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0 && listen(fd, 1) == 0)
        let error = #expect(throws: SegmentError.self) { try ZMSegment(path: path) }
        #expect(error?.code == .notRegularFile)
    }

    @Test("a good segment owned by another user is not trusted; the message names the owner and who is allowed")
    func foreignOwner() throws {
        try #require(geteuid() == 0, "needs root to give a file away")
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try LayoutSample.fixture(.zm136).write(to: dir.file("zm.mmap.81"))
        #expect(chown(path, Self.nobody, Self.nobody) == 0)
        let error = #expect(throws: SegmentError.self) { try ZMSegment(path: path) }
        #expect(error?.code == .untrustedOwner)
        #expect(error?.message.contains("nobody") == true && error?.message.contains("root") == true, "\(error?.message ?? "")")
        #expect(SegmentFollower(path: path).poll().error?.code == .untrustedOwner)

        let zoneMinderIsNobody = SegmentOwners(zoneMinderUser: "nobody")
        #expect(try ZMSegment(path: path, owners: zoneMinderIsNobody).status().valid, "ZoneMinder's own user is trusted")
    }

    @Test("the permission advice never says 'root or root'")
    func permissionAdvice() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try LayoutSample.fixture(.zm136).write(to: dir.file("zm.mmap.82"))
        #expect(chmod(path, 0o600) == 0)
        let message = SegmentError.permissionMessage(path: path, writable: false)
        #expect(!message.contains("root or root"), "\(message)")
        #expect(message.contains("run as root"))
    }

    @Test("a sparse 1 GB file whose size formula means 60 million one-byte slots has no geometry")
    func sparseHugeFile() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try LayoutSample.fixture(.zm136, imageSize: 1).write(to: dir.file("zm.mmap.83"))
        let slots = 60_000_000
        let size = SegmentGeometry.fixedBytes(.zm136) + slots * 17
        #expect(truncate(path, off_t(size)) == 0)
        let segment = try ZMSegment(path: path)
        #expect(try segment.geometry() == nil)
        let snapshot = try segment.snapshot()
        #expect(snapshot.timestamps == nil)
        #expect(snapshot.problems.first?.contains("65535 slots") == true, "\(snapshot.problems)")
        #expect(SegmentGeometry.infer(layout: .zm136, fileSize: SegmentGeometry.fixedBytes(.zm136) + 65_535 * 17, imageSize: 1) != nil)
    }
}
