import Glibc

extension AgentLoop {
    #if DEBUG
    /// Debug builds only (the .deb is a release build and has none of this): while the file named by
    /// `LOOKOUT_TEST_STALL_FILE` exists, the loop stands still where it would poll, as a loop stuck in a read would.
    /// Tests use it to show that the watchdog keep-alives stop with the polls (docs/health.md).
    static let testStallFile: String? = getenv("LOOKOUT_TEST_STALL_FILE").map { String(cString: $0) }

    func stallWhileTestAsks() {
        guard let path = Self.testStallFile else { return }
        while access(path, F_OK) == 0 { usleep(10_000) }
    }
    #else
    @inline(__always) func stallWhileTestAsks() {}
    #endif
}
