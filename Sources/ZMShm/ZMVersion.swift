/// A ZoneMinder release number, e.g. 1.36.33. Parses package versions like `1:1.36.33+dfsg1-1` too.
public struct ZMVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let major: Int
    public let minor: Int
    public let patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    public init?(parsing text: String) {
        var rest = Substring(text.trimmingWhitespace)
        if let colon = rest.firstIndex(of: ":"), rest[..<colon].allSatisfy(\.isNumber) {
            rest = rest[rest.index(after: colon)...]
        }
        let numeric = rest.prefix { $0.isNumber || $0 == "." }
        let parts = numeric.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        let patch = parts.count == 3 ? Int(parts[2]) : 0
        guard let patch else { return nil }
        self.init(major, minor, patch)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.major, lhs.minor, lhs.patch) < (rhs.major, rhs.minor, rhs.patch)
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    /// The layouts a segment written by this version can have.
    public var expectedLayouts: [SharedDataLayout] {
        switch self {
        case ..<ZMVersion(1, 36, 0): [.zm134]
        case ..<ZMVersion(1, 36, 34): [.zm136]
        case ..<ZMVersion(1, 37, 0): [.zm13634]
        case ..<ZMVersion(1, 38, 0): [.zm137]
        default: [.zm138, .master]
        }
    }
}

extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
