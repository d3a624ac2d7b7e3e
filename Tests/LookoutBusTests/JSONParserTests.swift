import LookoutJSON
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    @Test("values keep their member order and types; rendering a parsed bus body gives it back")
    func roundTrip() throws {
        let text = #"{"monitor_id":7,"name":"Front \"door\"","time":1763784000123.456,"state":null,"ok":true,"# +
            #""ids":[1,-2,350.5],"nested":{"b":1,"a":"é\n"}}"#
        let value = try JSONValue.parse(text)
        #expect(value.objectMembers?.map(\.0) == ["monitor_id", "name", "time", "state", "ok", "ids", "nested"])
        #expect(value["monitor_id"]?.uint64Value == 7)
        #expect(value["name"]?.stringValue == #"Front "door""#)
        #expect(value["ids"]?.arrayValue == [.uint(1), .int(-2), .double(350.5)])
        #expect(value["nested"]?["a"]?.stringValue == "é\n")
        #expect(value.rendered() == text)
    }

    @Test("escapes, surrogate pairs and whitespace")
    func escapes() throws {
        #expect(try JSONValue.parse(#" [ "\u00e9\ud83d\ude00\/\t" ] "#) == .array([.string("é😀/\t")]))
    }

    @Test("malformed text is an error, not a guess", arguments: [
        "", "{", "[1,]", "{\"a\" 1}", "01", "1 2", "\"open", "tru", "{\"a\":1,}", "-", "\"\\x\"", "\"a\u{01}\"",
    ])
    func malformed(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }
}

@Suite("JSON parser on hostile input")
struct JSONHostileInputTests {
    @Test("deep nesting is refused with a clear error, not a stack overflow")
    func deepNesting() throws {
        let error = try #require(throws: JSONParseError.self) { try JSONValue.parse(String(repeating: "[", count: 100_000)) }
        #expect(error.message.contains("nested deeper than 64"), "\(error)")
    }

    @Test("every refusal says what was wrong and where", arguments: [
        (#"{"score":1e400}"#, "number out of range (1e400 does not fit in a 64-bit float) at byte 9"),
        ("-", "expected a digit after '-' at byte 1"), ("1.", "expected a digit after the decimal point at byte 2"),
        ("1e+", "expected a digit in the exponent at byte 3"), ("01", "leading zero in a number at byte 0"),
        ("[x]", "unexpected character 'x' at byte 1"), ("\"a\u{01}\"", "control character 0x1 in a string (escape it) at byte 2"),
        (#""\q""#, "unknown escape: backslash before character 'q' at byte 2"), ("nul", "unexpected character 'n' (expected null) at byte 0"),
    ])
    func messages(text: String, message: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
        do { _ = try JSONValue.parse(text) } catch { #expect(error.description == message) }
    }

    @Test("a string with bytes that are not UTF-8 is refused")
    func notUTF8() {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
    }
}
