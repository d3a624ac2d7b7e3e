@testable import Agent
import Glibc
import Testing

@Suite("map directory watch (inotify)")
struct MapDirectoryWatchTests {
    @Test("creation, truncation, replacement and removal of zm.mmap.<id> name the monitor; other files do not")
    func segmentEventsNameTheirMonitor() throws {
        var template = Array("/tmp/lookout-watch.XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { rmdir(directory) }
        let watch = try #require(MapDirectoryWatch(directory: directory))
        #expect(watch.take().everything, "the first look covers everything before the watch")
        #expect(watch.take().ids.isEmpty && !watch.take().everything)

        let seven = "\(directory)/zm.mmap.7"
        let fd = open(seven, O_CREAT | O_RDWR, 0o600)
        try #require(fd >= 0)
        #expect(watch.take().ids == [7])
        ftruncate(fd, 4096)
        close(fd)
        #expect(watch.take().ids == [7], "a resize (zmc's ftruncate)")

        let other = open("\(directory)/zm.mmap.7.tmp", O_CREAT | O_RDWR, 0o600)
        close(other)
        let unrelated = open("\(directory)/pulse-shm-1", O_CREAT | O_RDWR, 0o600)
        close(unrelated)
        #expect(watch.take().ids.isEmpty)

        rename("\(directory)/zm.mmap.7.tmp", "\(directory)/zm.mmap.8")
        unlink(seven)
        let changes = watch.take()
        #expect(changes.ids == [7, 8])
        #expect(!changes.everything)
        unlink("\(directory)/zm.mmap.8")
        unlink("\(directory)/pulse-shm-1")
        #expect(watch.take().ids == [8])
    }

    @Test("a removed directory ends the watch and asks for a full check")
    func directoryGone() throws {
        var template = Array("/tmp/lookout-watch.XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        let watch = try #require(MapDirectoryWatch(directory: directory))
        _ = watch.take()
        rmdir(directory)
        #expect(watch.take().everything)
        #expect(!watch.isWatching)
        #expect(MapDirectoryWatch(directory: directory) == nil)
    }
}
