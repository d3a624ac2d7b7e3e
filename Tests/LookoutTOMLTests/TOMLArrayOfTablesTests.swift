import Foundation
import LookoutTOML
import Testing

@Suite("TOML arrays of tables")
struct TOMLArrayOfTablesTests {
    @Test("[[ts.channel]] entries become an array of tables, each with its own keys and sub-tables")
    func channels() throws {
        let table = try TOMLTable(string: """
            [ts]
            dir = "/dev/shm"

            [[ts.channel]]
            data = "sfb_data_ch1"
            event = "sfb_event_ch1"
            relay_fps = 5

            [[ts.channel]]
            data = "sfb_data_ch2"
            event = "sfb_event_ch2"
            [ts.channel.limits]
            stall_seconds = 3.5

            [agent]
            poll_hz = 10
            """)
        let ts = try #require(table["ts"]?.table)
        #expect(ts["dir"]?.string == "/dev/shm")
        let channels = try #require(ts["channel"]?.array)
        #expect(channels.count == 2)
        #expect(channels[0].table?["data"]?.string == "sfb_data_ch1")
        #expect(channels[0].table?["relay_fps"]?.int == 5)
        #expect(channels[1].table?["event"]?.string == "sfb_event_ch2")
        #expect(channels[1].table?["limits"]?.table?["stall_seconds"]?.double == 3.5)
        #expect(table["agent"]?.table?["poll_hz"]?.int == 10)
    }

    @Test("every toml-test file with an array of tables now parses to its expected values (none refused)")
    func conformance() throws {
        let valid = TOMLConformanceTests.files("valid").filter { path in
            let text = (try? String(contentsOfFile: TOMLConformanceTests.directory + "/valid/" + path, encoding: .utf8)) ?? ""
            return text.contains("[[") && !text.contains("\"\"\"") && !text.contains("'''")
        }
        #expect(valid.count >= 10, "toml-test's array-of-tables cases: \(valid.count)")
        for path in valid {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: TOMLConformanceTests.directory + "/valid/" + path)))
            let expectedData = try Data(contentsOf: URL(fileURLWithPath: TOMLConformanceTests.directory + "/valid/" + path.dropLast(5) + ".json"))
            let expected = try JSONSerialization.jsonObject(with: expectedData, options: [.fragmentsAllowed])
            do {
                let table = try TOMLTable(bytes: bytes)
                let mismatch = TOMLConformanceTests.mismatch(.table(table), expected, at: "")
                #expect(mismatch == nil, "\(path): \(mismatch ?? "")")
            } catch {
                // Only the parts still left out (dates, TOML 1.1) may refuse such a file, never its [[…]].
                #expect(!error.message.contains("array") && error.message.contains("not supported"), "\(path): \(error.message)")
            }
        }
    }
}
