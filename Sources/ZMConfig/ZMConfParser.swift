/// Parses zm.conf-style files the way ZoneMinder's Perl `ZoneMinder::Config` (`process_configfile`) does:
///
///     next if $str =~ /^\s*$/;
///     next if $str =~ /^\s*#/;
///     my ($name, $value) = $str =~ /^\s*([^=\s]+)\s*=\s*[\'"]*(.*?)[\'"]*\s*$/;
///     $Config{uc $name} = $value;     # or "Warning, bad line" and skip
///
/// So: `#` starts a comment only as the first non-blank character (`PASS=a#b` is `a#b`); the name is upper-cased
/// and may not contain blanks; the value runs to the end of the line, may contain `=`, and loses surrounding
/// whitespace plus any run of `'`/`"` at either end, paired or not (`"/bin/ip neigh"` is `/bin/ip neigh`, and so is
/// `'/bin/ip neigh"`). `\s` is ASCII whitespace, which includes the `\r` of CRLF files.
///
/// ZoneMinder's C++ daemons (`process_configfile` in zm_config.cpp) agree on every line ZoneMinder ships, but not
/// on odd ones: they allow blanks inside names, strip quotes and blanks interleaved at the end (`a" "` is `a`),
/// keep only a fixed set of names, and split lines longer than 511 bytes. Perl is followed here.
enum ZMConfParser {
    enum Line: Equatable {
        case skip
        case entry(name: String, value: String)
        case bad
    }

    struct Result {
        var entries: [(name: String, value: String, line: Int)] = []
        var badLines: [(text: String, line: Int)] = []
    }

    static func parse(_ bytes: [UInt8]) -> Result {
        var result = Result()
        var number = 0
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            switch parseLine(line) {
            case .skip: break
            case .entry(let name, let value): result.entries.append((name, value, number))
            case .bad: result.badLines.append((String(decoding: line, as: UTF8.self), number))
            }
        }
        // A final "\n" yields one empty trailing piece, which parses as .skip.
        return result
    }

    static func parseLine(_ line: ArraySlice<UInt8>) -> Line {
        var i = line.startIndex
        let end = line.endIndex
        while i < end, isSpace(line[i]) { i += 1 }
        if i == end || line[i] == UInt8(ascii: "#") { return .skip }

        let nameStart = i
        while i < end, line[i] != UInt8(ascii: "="), !isSpace(line[i]) { i += 1 }
        let name = line[nameStart..<i]
        while i < end, isSpace(line[i]) { i += 1 }
        guard !name.isEmpty, i < end, line[i] == UInt8(ascii: "=") else { return .bad }
        i += 1

        while i < end, isSpace(line[i]) { i += 1 }
        while i < end, isQuote(line[i]) { i += 1 }
        var valueEnd = end
        while valueEnd > i, isSpace(line[valueEnd - 1]) { valueEnd -= 1 }
        while valueEnd > i, isQuote(line[valueEnd - 1]) { valueEnd -= 1 }

        let upperName = name.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 - 32 : $0 }
        return .entry(
            name: String(decoding: upperName, as: UTF8.self),
            value: String(decoding: line[i..<valueEnd], as: UTF8.self))
    }

    /// Perl's `\s` on a byte string: space, \t, \n, \v, \f, \r.
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    private static func isQuote(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"")
    }
}
