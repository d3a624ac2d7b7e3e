/// The arrays of tables a document defined with `[[name]]`, by concrete path, and how many elements each has.
///
/// A header or key under `[[a]]` refers to the last element of `a`: a concrete path names it with the array's
/// key followed by a marker step holding the element's index. Markers start with U+0001, which a TOML key can hold
/// only through an escape no configuration uses; a key that is exactly a marker would merely address a table
/// wrongly, never crash.
struct ArraysOfTables {
    private var counts: [[String]: Int] = [:]

    static func marker(_ element: Int) -> String { "\u{1}\(element)" }

    static func element(_ step: String) -> Int? {
        guard step.unicodeScalars.first == "\u{1}" else { return nil }
        return Int(String(String.UnicodeScalarView(step.unicodeScalars.dropFirst())))
    }

    static func isMarker(_ step: String) -> Bool { element(step) != nil }

    func isArray(_ path: [String]) -> Bool { counts[path] != nil }

    /// Adds an element to the array at `path`; returns its index.
    mutating func append(_ path: [String]) -> Int {
        let index = counts[path, default: 0]
        counts[path] = index + 1
        return index
    }

    /// The concrete path of a dotted header name: every prefix that is an array of tables enters its last element.
    func resolve(_ keys: some Collection<String>) -> [String] {
        var concrete: [String] = []
        for key in keys {
            concrete.append(key)
            if let count = counts[concrete] { concrete.append(Self.marker(count - 1)) }
        }
        return concrete
    }
}
