@testable import LookoutBus
import LookoutJSON
import Testing

/// The byte-buffer renderer writes exactly what the String-appending one did (messages on the bus must not change).
@Suite("JSON rendering")
struct JSONRenderTests {
    @Test("strings: quote, backslash, control characters as \\n \\r \\t or \\u00xx (lower-case hex), UTF-8 as is")
    func strings() {
        #expect(JSONValue.string("plain").rendered() == #""plain""#)
        #expect(JSONValue.string("a\"b\\c").rendered() == #""a\"b\\c""#)
        #expect(JSONValue.string("l1\nl2\r\t").rendered() == #""l1\nl2\r\t""#)
        #expect(JSONValue.string("\u{0}\u{1f}\u{7f}").rendered() == #""\u0000\u001f"# + "\u{7f}\"")
        #expect(JSONValue.string("é😀\"").rendered() == "\"é😀\\\"\"")
        #expect(JSONValue.string("").rendered() == #""""#)
    }

    @Test("numbers, literals, raw text")
    func scalars() {
        #expect(JSONValue.int(0).rendered() == "0")
        #expect(JSONValue.int(-7).rendered() == "-7")
        #expect(JSONValue.int(.min).rendered() == "-9223372036854775808")
        #expect(JSONValue.uint(9).rendered() == "9")
        #expect(JSONValue.uint(10).rendered() == "10")
        #expect(JSONValue.uint(.max).rendered() == "18446744073709551615")
        #expect(JSONValue.double(1.5).rendered() == "1.5")
        #expect(JSONValue.double(.nan).rendered() == "null")
        #expect(JSONValue.double(1e21).rendered() == String(1e21))
        #expect(JSONValue.bool(true).rendered() == "true")
        #expect(JSONValue.null.rendered() == "null")
        #expect(JSONValue.raw(#"{"x":1}"#).rendered() == #"{"x":1}"#)
    }

    @Test("containers, compact and pretty")
    func containers() {
        let value = JSONValue.object([("a", .array([.int(1), .string("x")])), ("b", .object([])), ("c", .array([]))])
        #expect(value.rendered() == #"{"a":[1,"x"],"b":{},"c":[]}"#)
        #expect(value.rendered(pretty: true) == "{\n  \"a\": [\n    1,\n    \"x\"\n  ],\n  \"b\": {},\n  \"c\": []\n}")
        #expect(JSONValue.object([("k\"", .null)]).rendered() == #"{"k\"":null}"#)
    }

    @Test("JSONWriter writes exactly what the same members as a JSONValue render to")
    func writerMatchesTree() {
        var json = JSONWriter(capacity: 8)
        json.member("id", 7)
        json.member("neg", Int32(-12))
        json.member("big", UInt64.max)
        json.member("none", Int?.none)
        json.member("name", "Front \"door\"\n")
        json.member("missing", String?.none)
        json.member("time", 1795319193.111)
        json.member("inf", Double.infinity)
        json.member("flag", true)
        json.member("maybe", Bool?.none)
        json.member("body", raw: #"{"a":[1,2]}"#)
        let tree: JSONValue = .object([
            ("id", .from(7)), ("neg", .from(Int32(-12))), ("big", .uint(.max)), ("none", .null),
            ("name", .string("Front \"door\"\n")), ("missing", .null), ("time", .double(1795319193.111)),
            ("inf", .double(.infinity)), ("flag", .bool(true)), ("maybe", .null), ("body", .raw(#"{"a":[1,2]}"#)),
        ])
        let text = json.finished()
        #expect(text == tree.rendered())
        let empty = JSONWriter().finished()
        #expect(empty == "{}")
        for (refresh, epoch) in [(false, "e\"1"), (true, "e\"1"), (false, "c5f1bd2f-36e7-4dd8-93a2-e1a4e4e169a8"), (true, "")] {
            let header = BusHeader(
                sequence: 3, globalSequence: refresh ? 0 : 1_234_567_890_123, epoch: epoch,
                timestampMilliseconds: refresh ? -5 : 1_795_319_193_111, source: refresh ? "" : "zm", refresh: refresh)
            #expect(header.rendered == header.json.rendered())
            let message = BusMessage(topic: "zm.monitor.1.state", header: header, body: #"{"state":"IDLE"}"#)
            #expect(message.itemText == message.json.rendered())
        }
    }

    @Test("a value rounded to thousandths is written as Swift writes the Double (times, ages, rates)")
    func thousandths() {
        var generator = SystemRandomNumberGenerator()
        var values: [Double] = [0, 0.001, 0.01, 0.1, 1, 10.5, 999.999, 1795319193, 1795319193.1, 1795319193.01, 1795319193.111, -0.5, -1795319193.25]
        for _ in 0..<20_000 {
            let range: ClosedRange<Double> = [0...1, 0...100, 0...100_000, 1.7e9...1.9e9][Int.random(in: 0..<4, using: &generator)]
            values.append((Double.random(in: range, using: &generator) * 1000).rounded() / 1000)
            values.append((Double.random(in: 0...120, using: &generator) * 100).rounded() / 100)
        }
        for value in values {
            var fast = JSONWriter()
            fast.member("x", thousandths: value)
            var general = JSONWriter()
            general.member("x", value)
            let (fastText, generalText) = (fast.finished(), general.finished())
            #expect(fastText == generalText, "\(value)")
        }
    }
}
