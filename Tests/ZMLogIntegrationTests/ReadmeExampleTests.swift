import Foundation
import Testing

/// The README's `zmlog` example, run as a reader would type it: the line it shows must be the line zmlog writes.
@Suite("README's zmlog example")
struct ReadmeExampleTests {
    @Test func typedAtABashPromptTheFileIsBash() throws {
        let readme = try String(contentsOfFile: Paths.packageRoot + "/README.md", encoding: .utf8)
        let shown = try #require(readme.split(separator: "\n").first { $0.contains("backup[") && $0.contains(".WAR-") })
        let dir = TemporaryDirectory()
        // `; true` keeps bash from exec'ing zmlog in its own place, as an interactive shell forks it.
        _ = try run(
            "/bin/bash", ["-c", "\(Paths.zmlog) --id backup --level WAR --conf-dir \(dir.file("nowhere")) \"disk almost full\"; true"],
            environment: ["PATH": "/usr/bin:/bin", "LOG_FILE": dir.file("backup.log")])
        let written = try #require(readText(dir.file("backup.log")).split(separator: "\n").last { $0.contains(".WAR-") })
        #expect(String(written).maskingTimeAndPid == String(shown).maskingTimeAndPid)
    }
}
