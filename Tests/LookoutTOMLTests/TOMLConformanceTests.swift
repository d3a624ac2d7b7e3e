import Foundation
import LookoutTOML
import Testing

/// toml-test (`<package>/../shared/conformance/toml`): valid files parse to the tagged values beside them or are
/// refused naming the part of TOML this parser leaves out; every invalid file is refused.
@Suite("TOML parser against toml-test")
struct TOMLConformanceTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("../shared/conformance/toml/tests").standardized.path

    /// What the parser refuses on purpose (multi-line strings, dates and times, TOML 1.1's
    /// additions): a valid file may be refused only by a message that names the part and says this.
    static let unsupported = "not supported"

    static func files(_ kind: String) -> [String] {
        let root = directory + "/" + kind
        let all = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
        return all.filter { $0.hasSuffix(".toml") }.sorted()
    }

    /// The file's bytes, as the configuration loader passes them (`TOMLTable(bytes:)` refuses what is not UTF-8).
    private func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/" + path)))
    }

    @Test("the suite is where CI puts it")
    func suitePresent() {
        #expect(Self.files("valid").count > 200 && Self.files("invalid").count > 400, "toml-test not found at \(Self.directory): it is third-party test data the repository does not carry; put tests/ of toml-lang/toml-test (GitHub, commit d168c2a) there")
    }

    @Test("every valid file parses to the expected values, or is refused naming an unsupported part", arguments: files("valid"))
    func valid(path: String) throws {
        let document = try bytes("valid/" + path)
        let expectedData = try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/valid/" + path.dropLast(5) + ".json"))
        let expected = try JSONSerialization.jsonObject(with: expectedData, options: [.fragmentsAllowed])
        do {
            let table = try TOMLTable(bytes: document)
            let mismatch = Self.mismatch(.table(table), expected, at: "")
            #expect(mismatch == nil, "\(path): \(mismatch ?? "")")
        } catch {
            #expect(error.message.contains(Self.unsupported), "\(path) refused: \(error.message) (line \(error.line))")
        }
    }

    @Test("every invalid file is refused", arguments: files("invalid"))
    func invalid(path: String) throws {
        let document = try bytes("invalid/" + path)
        #expect(throws: TOMLParseError.self, "\(path): \(String(decoding: document.prefix(80), as: UTF8.self))") {
            try TOMLTable(bytes: document)
        }
    }

    /// Where `value` differs from toml-test's tagged JSON (`{"type":…,"value":"…"}` leaves), or nil.
    static func mismatch(_ value: TOMLValue, _ expected: Any, at path: String) -> String? {
        if let leaf = expected as? [String: Any], leaf.count == 2, let type = leaf["type"] as? String, let text = leaf["value"] as? String {
            let same: Bool
            switch (type, value) {
            case ("string", .string(let string)): same = string == text
            case ("integer", .integer(let integer)): same = Int(text) == integer
            case ("bool", .boolean(let bool)): same = String(bool) == text
            case ("float", .float(let float)):
                let wanted = text.replacingOccurrences(of: "inf", with: "infinity").replacingOccurrences(of: "+", with: "")
                same = float.isNaN ? text.hasSuffix("nan") : Double(wanted) == float
            default: same = false
            }
            return same ? nil : "\(path): expected \(type) \(text), got \(value)"
        }
        if let items = expected as? [Any] {
            guard let array = value.array, array.count == items.count else { return "\(path): expected an array of \(items.count)" }
            return zip(array, items).enumerated().lazy.compactMap { mismatch($0.element.0, $0.element.1, at: "\(path)[\($0.offset)]") }.first
        }
        guard let members = expected as? [String: Any], let table = value.table else { return "\(path): expected a table" }
        guard Set(table.keys) == Set(members.keys) else { return "\(path): keys \(table.keys.sorted()) != \(members.keys.sorted())" }
        return members.keys.sorted().lazy.compactMap { key in mismatch(table[key]!, members[key]!, at: path + "." + key) }.first
    }
}
