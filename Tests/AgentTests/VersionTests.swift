import Foundation
import LookoutVersion
import Testing

@Suite("one version")
struct VersionTests {
    @Test func debianChangelogOpensWithTheVersionTheCommandsReport() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let changelog = try String(contentsOf: root.appendingPathComponent("packaging/debian/changelog"), encoding: .utf8)
        let firstLine = changelog.prefix { $0 != "\n" }
        #expect(firstLine.hasPrefix("lookout (\(LookoutVersion.current)-"), "changelog starts \(firstLine); LookoutVersion.current is \(LookoutVersion.current)")
    }
}
