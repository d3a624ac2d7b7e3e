/// A Monitoring Plugins threshold range, `[@][start:][end]` (monitoring-plugins.org, "Threshold and ranges"):
///
/// | text | alert when the value is |
/// |---|---|
/// | `10` | < 0 or > 10 |
/// | `10:` | < 10 |
/// | `~:10` | > 10 (`~` is minus infinity) |
/// | `10:20` | < 10 or > 20 |
/// | `@10:20` | ≥ 10 and ≤ 20 (inside) |
public struct ThresholdRange: Sendable, Equatable, CustomStringConvertible {
    public var start: Double
    public var end: Double
    public var inside: Bool
    /// As written, for perfdata.
    public let text: String

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init(_ text: String) throws(ParseError) {
        self.text = text
        var body = Substring(text)
        inside = body.first == "@"
        if inside { body = body.dropFirst() }
        guard !body.isEmpty else { throw ParseError(description: "empty range '\(text)'") }
        if let colon = body.firstIndex(of: ":") {
            let low = body[..<colon], high = body[body.index(after: colon)...]
            if low == "~" {
                start = -.infinity
            } else if low.isEmpty {
                start = 0
            } else {
                start = try Self.value(low, in: text)
            }
            end = high.isEmpty ? .infinity : try Self.value(high, in: text)
        } else {
            start = 0
            end = try Self.value(body, in: text)
        }
        guard start <= end else { throw ParseError(description: "range '\(text)': start \(start) is above end \(end)") }
    }

    private static func value(_ part: Substring, in text: String) throws(ParseError) -> Double {
        // Plain decimals only: no exponent, no inf/nan, no hex (Double(_:) accepts all of those).
        let allowed = part.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+") }
        guard allowed, let value = Double(part), value.isFinite else {
            throw ParseError(description: "range '\(text)': '\(part)' is not a number")
        }
        return value
    }

    /// True when `value` should raise the alert.
    public func alerts(_ value: Double) -> Bool {
        let within = value >= start && value <= end
        return inside ? within : !within
    }

    public var description: String { text }
}

/// One performance-data item: `'label'=value[UOM];warn;crit;min;max`.
public struct PerfDatum: Sendable, Equatable {
    public var label: String
    public var value: Double
    public var unit: String
    public var warning: ThresholdRange?
    public var critical: ThresholdRange?
    public var minimum: Double?
    public var maximum: Double?

    public init(_ label: String, _ value: Double, unit: String = "", warning: ThresholdRange? = nil, critical: ThresholdRange? = nil,
                minimum: Double? = nil, maximum: Double? = nil) {
        self.label = label
        self.value = value
        self.unit = unit
        self.warning = warning
        self.critical = critical
        self.minimum = minimum
        self.maximum = maximum
    }

    /// Labels are always quoted; `'` and `=` are not allowed inside and become `_`.
    public var rendered: String {
        let safe = String(label.map { $0 == "'" || $0 == "=" ? "_" : $0 })
        var fields = ["'\(safe)'=\(Self.plain(value))\(unit)", warning?.text ?? "", critical?.text ?? "",
                      minimum.map(Self.plain) ?? "", maximum.map(Self.plain) ?? ""]
        while fields.count > 1, fields.last == "" { fields.removeLast() }
        return fields.joined(separator: ";")
    }

    /// Up to three decimals, never an exponent (the guidelines ask to avoid scientific notation).
    static func plain(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let thousandths = (value * 1000).rounded()
        let negative = thousandths < 0
        let magnitude = UInt64(abs(thousandths))
        var text = String(magnitude / 1000)
        let fraction = magnitude % 1000
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 3 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return (negative && magnitude != 0 ? "-" : "") + text
    }
}
