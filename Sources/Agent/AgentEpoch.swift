#if canImport(Glibc)
import Glibc
#endif
import PosixThread

/// A random (version 4) UUID in lower case: the epoch that tells subscribers this agent start from the last one.
enum AgentEpoch {
    static func random() -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let source = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        let filled = source < 0 ? -1 : bytes.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
        if source >= 0 { close(source) }
        if filled != bytes.count {
            // No /dev/urandom (a bare chroot): the start time and pid still differ between two starts.
            var seed = UInt64(WallClock.seconds() * 1e9) ^ (UInt64(getpid()) << 40)
            for index in bytes.indices {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                bytes[index] = UInt8(truncatingIfNeeded: seed >> 56)
            }
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
