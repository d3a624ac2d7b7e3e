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
        #expect(json.finished() == tree.rendered())
        var empty = JSONWriter()
        #expect(empty.finished() == "{}")
        for refresh in [false, true] {
            let header = BusHeader(sequence: 3, globalSequence: 99, epoch: "e\"1", timestampMilliseconds: -5, source: "zm", refresh: refresh)
            #expect(header.rendered == header.json.rendered())
            let message = BusMessage(topic: "zm.monitor.1.state", header: header, body: #"{"state":"IDLE"}"#)
            #expect(message.itemText == message.json.rendered())
        }
    }
}
