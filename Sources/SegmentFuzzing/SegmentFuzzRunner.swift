#if canImport(Glibc)
import Glibc
#endif
import ZMShm

/// Writes each fuzz input to `zm.mmap.1` in a directory and runs it through everything that reads a segment:
/// open (whole and header-only), `status()`, `causes()`, `geometry()`, `snapshot()`, `latestImage()` and a
/// follower that lives across inputs (so it also sees files replaced and rewritten in place).
/// Every outcome must be a value or a typed `SegmentError`; a crash or hang is the bug being looked for.
public final class SegmentFuzzRunner {
    public let path: String
    private let follower: SegmentFollower
    /// How each input ended: "decoded", "image", or the `SegmentError.Code` of the first refusal.
    public private(set) var outcomes: [String: Int] = [:]
    public private(set) var inputs = 0

    public init(directory: String) {
        path = directory + "/zm.mmap.1"
        follower = SegmentFollower(path: path)
    }

    public func run(_ input: FuzzInput) {
        write(input, replacing: inputs % 2 == 0)
        inputs += 1
        _ = follower.poll()
        record(exercise(extent: .whole, input))
        _ = exercise(extent: .header, input)
        _ = follower.poll(checkingPath: inputs % 3 == 0)
    }

    private func exercise(extent: ZMSegment.Extent, _ input: FuzzInput) -> String {
        do {
            let segment = try ZMSegment(path: path, extent: extent)
            _ = try? segment.status()
            _ = try? segment.causes()
            let frame = input.frameSize
            _ = try? segment.snapshot(frameSize: frame)
            guard let geometry = try segment.geometry(frameSize: frame) else { return "decoded" }
            return try segment.latestImage(geometry: geometry) == nil ? "decoded" : "image"
        } catch {
            return "\(error.code)"
        }
    }

    private func record(_ outcome: String) { outcomes[outcome, default: 0] += 1 }

    /// Alternately a new inode (zmc's clean restart) and the same inode rewritten and resized (a crash restart).
    private func write(_ input: FuzzInput, replacing: Bool) {
        if replacing { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        precondition(fd >= 0, "cannot create \(path): \(String(cString: strerror(errno)))")
        defer { close(fd) }
        var written = 0
        input.bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
                precondition(count > 0, "cannot write \(path)")
                written += count
            }
        }
        if input.fileSize > input.bytes.count { precondition(ftruncate(fd, off_t(input.fileSize)) == 0) }
    }
}
