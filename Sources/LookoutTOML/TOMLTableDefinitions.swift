/// How each table of a document came to be, for TOML's rule that a table is defined once: by a `[header]`, by
/// dotted keys, or as an inline table (complete where it is written). Paths are relative to the document, or to
/// the inline table being read.
struct TOMLTableDefinitions {
    private enum Origin {
        /// `[a.b]` defines `a.b`.
        case header
        /// `[a.b]` creates `a` without defining it: a later `[a]` may still define it.
        case implicit
        /// `a.b.c = 1` defines `a` and `a.b`; later dotted keys of the same kind may add to them.
        case dotted
        /// `a = {…}` is complete: nothing may add to it.
        case inline
    }

    private var origins: [[String]: Origin] = [:]

    /// A `[path]` header; the message says why it is not allowed.
    mutating func header(_ path: [String]) -> String? {
        for length in 1..<path.count where origins[Array(path[..<length])] == .inline {
            return "'\(Self.name(path[..<length]))' is an inline table: it cannot be extended by [\(Self.name(path))]"
        }
        switch origins[path] {
        case .header?: return "table [\(Self.name(path))] is defined twice"
        case .dotted?: return "table [\(Self.name(path))] was already defined by dotted keys"
        case .inline?: return "'\(Self.name(path))' is an inline table: it cannot be defined again by a header"
        case .implicit?, nil: break
        }
        for length in 1..<path.count where origins[Array(path[..<length])] == nil { origins[Array(path[..<length])] = .implicit }
        origins[path] = .header
        return nil
    }

    /// A `[[path]]` header (a new element follows); the message says why it is not allowed.
    func arrayHeader(_ path: [String]) -> String? {
        for length in 1..<max(1, path.count) where origins[Array(path[..<length])] == .inline {
            return "'\(Self.name(path[..<length]))' is an inline table: it cannot be extended by [[\(Self.name(path))]]"
        }
        switch origins[path] {
        case .header?, .implicit?: return "'\(Self.name(path))' is a table: [[\(Self.name(path))]] cannot make it an array of tables"
        case .dotted?: return "'\(Self.name(path))' was already defined by dotted keys"
        case .inline?: return "'\(Self.name(path))' is an inline table: it cannot be defined again by [[\(Self.name(path))]]"
        case nil: return nil
        }
    }

    /// The new element of an array of tables (`path` ends with its marker) is defined by its header.
    mutating func elementHeader(_ path: [String]) {
        for length in 1..<path.count where origins[Array(path[..<length])] == nil { origins[Array(path[..<length])] = .implicit }
        origins[path] = .header
    }

    /// A key `section + key` with a value; `inline` when the value is an inline table.
    mutating func value(at path: [String], dottedFrom section: Int, inline: Bool) -> String? {
        for length in 1..<max(1, path.count) {
            let table = Array(path[..<length])
            switch origins[table] {
            case .inline?: return "'\(Self.name(table))' is an inline table: '\(Self.name(path))' cannot be added to it"
            case .header? where length > section, .implicit? where length > section:
                return "dotted key '\(Self.name(path))' cannot add to table [\(Self.name(table))], defined by a header"
            case nil where length > section: origins[table] = .dotted
            default: break
            }
        }
        if inline { origins[path] = .inline }
        return nil
    }

    private static func name(_ path: some Collection<String>) -> String { path.joined(separator: ".") }
}
