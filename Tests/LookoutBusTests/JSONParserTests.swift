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
