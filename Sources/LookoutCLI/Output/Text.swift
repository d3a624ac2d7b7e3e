#if canImport(Glibc)
import Glibc
#endif

// Small replacements for Foundation's String(format:), FileHandle and DateFormatter: the `lookout` binary links
// FoundationEssentials only, so the agent does not carry Foundation, CoreFoundation and ICU (docs/performance.md).

/// A number with `digits` decimals, as printf's `%.Nf` writes it.
func fixed(_ value: Double, _ digits: Int) -> String {
    withVaList([value]) { arguments in
        var buffer = [CChar](repeating: 0, count: 64)
        _ = vsnprintf(&buffer, buffer.count, "%.\(digits)f", arguments)
        return String(decoding: buffer.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)
    }
}

/// Local time as `yyyy-MM-dd HH:mm:ss.SSS`.
func localTimestamp(_ time: Double) -> String {
    var seconds = time_t(time.rounded(.down))
    var parts = tm()
    localtime_r(&seconds, &parts)
    var buffer = [CChar](repeating: 0, count: 32)
    _ = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
    let milliseconds = min(999, Int((time - time.rounded(.down)) * 1000))
    let padded = String(milliseconds)
    return String(decoding: buffer.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self) + "." + String(repeating: "0", count: 3 - padded.count) + padded
}

func writeStandardOutput(_ text: String) { writeAll(STDOUT_FILENO, text) }
func writeStandardError(_ text: String) { writeAll(STDERR_FILENO, text) }

private func writeAll(_ descriptor: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written > 0 { offset += written } else if written < 0 && errno == EINTR { continue } else { return }
        }
    }
}
