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

    @Test func releasingReclaimsThisProcesssMappedFilePagesAndItKeepsRunning() throws {
        let before = try #require(Self.residentFileKiB())
        let advised = StartupPages.release()
        #expect(advised > 10, "the test binary and its libraries are dozens of mappings")
        let after = try #require(Self.residentFileKiB())
        #expect(after < before, "RssFile \(before) KiB before, \(after) KiB after")
        #expect([3, 1, 2].sorted() == [1, 2, 3])  // code still runs, faulted back in
    }

    private static func residentFileKiB() -> Int? {
        guard case .success(let bytes) = TextFile.read("/proc/self/status") else { return nil }
        let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("RssFile:") }
        return line.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") }
    }
}
