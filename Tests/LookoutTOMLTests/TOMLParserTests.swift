import LookoutTOML
import Testing

@Suite("TOML parser")
struct TOMLParserTests {
    @Test("the shipped configuration's shapes parse to typed values")
    func values() throws {
        let table = try TOMLTable(string: """
            # comment
            top = "x"   # trailing comment
            [agent]
            poll_hz = 10
            heartbeat_seconds = 1.5
            big = 1_000_000
            hex = 0xff
            octal = 0o17
            binary = 0b101
            negative = -3
            exponent = 6.02e23
            infinity = -inf
            [zoneminder]
            use_database = false
            monitors = [1, 2,
                3,  # the third
            ]
            empty = []
            literal = 'C:\\path'
            escaped = "tab\\there \\"q\\" \\u00e9"
            "quoted key" = true
            dotted.inner = 4
            inline = { a = 1, b = "two" }
            """)
        #expect(table.keys == ["top", "agent", "zoneminder"])
        #expect(table["top"]?.string == "x")
        let agent = try #require(table["agent"]?.table)
        #expect(agent["poll_hz"]?.int == 10 && agent["poll_hz"]?.double == nil)
        #expect(agent["heartbeat_seconds"]?.double == 1.5)
        #expect(agent["big"]?.int == 1_000_000 && agent["hex"]?.int == 255 && agent["octal"]?.int == 15 && agent["binary"]?.int == 5)
        #expect(agent["negative"]?.int == -3 && agent["exponent"]?.double == 6.02e23 && agent["infinity"]?.double == -.infinity)
        let zm = try #require(table["zoneminder"]?.table)
        #expect(zm["use_database"]?.bool == false)
        #expect(zm["monitors"]?.array?.compactMap(\.int) == [1, 2, 3])
        #expect(zm["empty"]?.array == [])
        #expect(zm["literal"]?.string == #"C:\path"#)
        #expect(zm["escaped"]?.string == "tab\there \"q\" é")
        #expect(zm["quoted key"]?.bool == true)
        #expect(zm["dotted"]?.table?["inner"]?.int == 4)
        #expect(zm["inline"]?.table?["b"]?.string == "two")
    }

    @Test("errors name the line and column", arguments: [
        ("a = 1\nb = \n", 2, "expected a value"),
        ("a = 1\na = 2\n", 2, "defined twice"),
        ("[t]\n[t]\n", 2, "defined twice"),
        ("a = 1 2\n", 1, "end of the line"),
        ("a = \"open\n", 1, "unterminated"),
        ("a = 01\n", 1, "not a number"),
        ("a = 1__0\n", 1, "not a number"),
        ("a = 1.\n", 1, "not a number"),
        ("a = [1, 2\n", 2, "expected ',' or ']'"),
        ("a = 1979-05-27\n", 1, "dates"),
        ("a = 07:32:00\n", 1, "dates"),
        ("a = \"\"\"x\"\"\"\n", 1, "multi-line"),
        ("[[t]]\n[t]\n", 2, "array of tables"),
        ("[t]\n[[t]]\n", 2, "is a table"),
        ("t = []\n[[t]]\n", 2, "not an array of tables"),
        ("[[t]\n", 1, "']]'"),
        ("a = \"\\q\"\n", 1, "unknown escape"),
        ("a = 1\na.b = 2\n", 2, "defined twice"),
    ] as [(String, Int, String)])
    func errors(text: String, line: Int, message: String) {
        do {
            _ = try TOMLTable(string: text)
            Issue.record("\(text.debugDescription) parsed")
        } catch {
            #expect(error.line == line, "\(text.debugDescription): \(error)")
            #expect(error.message.contains(message), "\(text.debugDescription): \(error)")
        }
    }

    @Test("an empty document and CRLF line ends")
    func edges() throws {
        #expect(try TOMLTable(string: "").keys.isEmpty)
        #expect(try TOMLTable(string: "[a]\r\nb = 1\r\n")["a"]?.table?["b"]?.int == 1)
    }
}

@Suite("TOML parser on hostile input")
struct TOMLHostileInputTests {
    @Test("deep nesting is refused with a clear error, not a stack overflow", arguments: ["[", "{a="])
    func deepNesting(opening: String) throws {
        let text = "x = " + String(repeating: opening, count: 100_000)
        let error = try #require(throws: TOMLParseError.self) { try TOMLTable(string: text) }
        #expect(error.message.contains("nested deeper than 64"), "\(error.message)")
    }

    @Test("a file that is not UTF-8 is refused with where, not read with replacement characters")
    func notUTF8() throws {
        let error = try #require(throws: TOMLParseError.self) { try TOMLTable(bytes: Array("a = 1\nb = \"caf".utf8) + [0xE9, 0x22, 0x0A]) }
        #expect(error.message == "the file is not UTF-8 text" && error.line == 2 && error.column == 9, "\(error)")
    }
}
