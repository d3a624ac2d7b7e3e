import Glibc
import Testing
@testable import Agent

@Suite("start-up pages given back")
struct StartupPagesTests {
    private func range(_ line: String) -> (start: UInt, end: UInt)? { StartupPages.reclaimable(Array(line.utf8)[...]) }

    @Test func codeDataAndLibrariesAreReclaimableSegmentsAndAnonymousMemoryAreNot() {
        let text = range("55986a565000-55986ac29000 r-xp 001b0000 fe:00 5407416                    /usr/bin/lookout-agent")
        #expect(text?.start == 0x5598_6a56_5000 && text?.end == 0x5598_6ac2_9000)
        #expect(range("7fea1b682000-7fea1b685000 rw-p 00481000 fe:00 333177   /usr/lib/x86_64-linux-gnu/libcrypto.so.3") != nil)
        #expect(range("7f0000000000-7f0000001000 r--s 00000000 00:19 4242   /dev/shm/zm.mmap.1") == nil)
        #expect(range("7f0000000000-7f0000001000 rw-s 00000000 00:19 4242   /dev/shm/sfb_data_ch1") == nil)
        #expect(range("7ffd5a1f2000-7ffd5a1f4000 r-xp 00000000 00:00 0                          [vdso]") == nil)
        #expect(range("7f57af400000-7f57af600000 rw-p 00000000 00:00 0 ") == nil)
        #expect(range("garbage") == nil)
        #expect(range("7f57af600000-7f57af400000 r-xp 00000000 fe:00 1 /lib/backwards.so") == nil)
    }

    /// A private read-only mapping of a file of this test's own, every page touched, then advised: its pages leave the
    /// resident set and read back the same. (Not `release()` on the test process: that would page out the test runner
    /// under every other suite running beside this one.)
    @Test func aMappedFilesPagesLeaveTheResidentSetAndReadBackTheSame() throws {
        let path = "/tmp/lookout-startup-pages-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let length = 1 << 20
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let file = open(path, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0o600)
        try #require(file >= 0)
        defer { close(file); unlink(path) }
        try #require(bytes.withUnsafeBytes { write(file, $0.baseAddress, length) } == length)
        try #require(fsync(file) == 0, "clean pages, as an executable's are (dirty ones wait for writeback)")
        let base = try #require(mmap(nil, length, PROT_READ, MAP_PRIVATE, file, 0))
        try #require(base != MAP_FAILED)
        defer { munmap(base, length) }
        var sum = 0
        for page in stride(from: 0, to: length, by: 4096) { sum &+= Int(base.load(fromByteOffset: page + 1, as: UInt8.self)) }
        let start = UInt(bitPattern: Int(bitPattern: base))
        let before = try #require(Self.residentKiB(mappingAt: start))
        #expect(before == length / 1024, "every page touched is resident")

        #expect(StartupPages.pageOut((start, start + UInt(length))))
        let after = try #require(Self.residentKiB(mappingAt: start))
        #expect(after < before / 4, "\(before) KiB resident before, \(after) KiB after")
        #expect(memcmp(base, bytes, length) == 0, "the bytes read back are the file's")
        #expect(sum > 0)
    }

    /// `Rss:` of the mapping that starts at `address`, from /proc/self/smaps.
    private static func residentKiB(mappingAt address: UInt) -> Int? {
        guard case .success(let bytes) = TextFile.read("/proc/self/smaps") else { return nil }
        let prefix = String(address, radix: 16) + "-"
        var inMapping = false
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            if let first = line.first, first.isHexDigit, line.contains("-") { inMapping = line.hasPrefix(prefix) }
            if inMapping, line.hasPrefix("Rss:") {
                return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
            }
        }
        return nil
    }
}
