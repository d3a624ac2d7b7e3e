import Foundation
import LookoutJSON
import Testing

/// JSONTestSuite's test_parsing (`<package>/../shared/conformance/json`): the control socket parses untrusted
/// JSON with this parser.
@Suite("JSON parser against JSONTestSuite")
struct JSONConformanceTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/conformance/json/test_parsing").standardized.path

    static func files(_ prefix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix(prefix) }.sorted()
    }

    private func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/" + name)))
    }

    @Test("the suite is where CI puts it")
    func suitePresent() {
        #expect(Self.files("y_").count > 90 && Self.files("n_").count > 180, "JSONTestSuite not found at \(Self.directory): it is third-party test data the repository does not carry; put test_parsing/ of nst/JSONTestSuite (GitHub, commit 1ef36fa) there")
    }

    @Test("every y_ file is accepted", arguments: files("y_"))
    func accepted(name: String) throws {
        let input = try bytes(name)
        #expect(throws: Never.self, "\(name)") { try JSONValue.parse(input) }
    }

    @Test("every n_ file is refused", arguments: files("n_"))
    func refused(name: String) throws {
        let input = try bytes(name)
        #expect(throws: JSONParseError.self, "\(name): \(String(decoding: input.prefix(60), as: UTF8.self))") { try JSONValue.parse(input) }
    }

    /// Either answer is allowed; finishing is the test (no crash, no hang, no stack overflow).
    @Test("every i_ file is answered", arguments: files("i_"))
    func answered(name: String) throws {
        _ = try? JSONValue.parse(try bytes(name))
    }
}
