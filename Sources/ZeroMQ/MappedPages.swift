import Glibc

/// Frame-sized buffers straight from the kernel. From `malloc`, a 3 MB block comes from the heap once glibc's
/// dynamic mmap threshold has risen past it (the first such block freed raises it), and freed blocks then stay in
/// the heap: the relay benchmark's agent sat at 106–175 MiB with 64 MiB in flight. Mapped pages go back on `free`.
enum MappedPages {
    static func allocate(_ count: Int) -> UnsafeMutableRawBufferPointer? {
        let length = max(1, count)
        let address = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let address, address != MAP_FAILED else { return nil }
        return UnsafeMutableRawBufferPointer(start: address, count: length)
    }

    static func free(_ storage: UnsafeMutableRawBufferPointer) {
        if let base = storage.baseAddress { munmap(base, storage.count) }
    }
}
