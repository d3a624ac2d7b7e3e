/// A directory's listing (segment ids, TS channels), kept while inotify watches the directory and listed again
/// only after it reported a change there: `ids(watched:list:)` lists when it must, `invalidate()` on an event.
struct WatchedListing {
    private var listed: [Int]?
    /// Times the directory was listed (tests: only after a change).
    private(set) var listings = 0

    mutating func ids(watched: Bool, list: () -> [Int]) -> [Int] {
        if watched, let listed { return listed }
        let fresh = list()
        listings += 1
        listed = watched ? fresh : nil
        return fresh
    }

    mutating func invalidate() { listed = nil }
}
