import Foundation

/// A fresh directory under /tmp, filled with the given files (paths relative to it, bytes written exactly),
/// removed when `body` returns.
func withTemporaryDirectory<R>(
    _ files: [String: String], _ body: (String) throws -> R
) throws -> R {
    let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("zmconfig-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }
    for (relative, contents) in files {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }
    return try body(root.path)
}
