/// One zmtrigger line, `<id>|<action>|<score>|<cause>|<text>|<showtext>`, read the way zmtrigger.pl's
/// `handleMessage` reads it (ZoneMinder 1.36): one leading and one trailing `"` dropped (Axis cameras quote the
/// message), fields split on `|` with Perl's `split`, so trailing empty fields are absent, not empty.
public struct TriggerMessage: Sendable, Equatable {
    /// The line as received (after the quote strip), for log messages.
    public let line: String
    public let id: String
    public let action: TriggerAction
    /// The raw action field, for "Unrecognised action" messages.
    public let actionText: String
    /// Perl's numeric reading of the score field (`"255abc"` is 255, `"abc"` is 0); 0 when absent.
    public let score: Double
    public let cause: String
    public let text: String
    /// nil when the field is absent (or empty and last: Perl's split drops it), as zmtrigger's `defined($showtext)`.
    public let showtext: String?

    public init(_ received: String) {
        var line = Substring(received)
        if line.hasPrefix("\"") { line = line.dropFirst() }
        if line.hasSuffix("\"") { line = line.dropLast() }
        self.line = String(line)
        var fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        while fields.last?.isEmpty == true { fields.removeLast() }
        func field(_ index: Int) -> String? { index < fields.count ? fields[index] : nil }
        id = field(0) ?? ""
        actionText = field(1) ?? ""
        action = TriggerAction(actionText)
        score = Self.perlNumber(field(2) ?? "")
        cause = field(3) ?? ""
        text = field(4) ?? ""
        showtext = field(5)
    }

    /// Leading whitespace, an optional sign, digits and an optional fraction; anything after is ignored, as Perl does.
    static func perlNumber(_ text: String) -> Double {
        var scalars = Substring(text).drop { $0 == " " || $0 == "\t" }
        var sign = 1.0
        if let first = scalars.first, first == "+" || first == "-" {
            sign = first == "-" ? -1 : 1
            scalars = scalars.dropFirst()
        }
        let number = scalars.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        return sign * (Double(number) ?? Double(number.prefix { $0 != "." }) ?? 0)
    }
}

/// zmtrigger.pl's actions: `on`, `off` (each optionally `+N` or ` N` seconds), `cancel`, `show`, and the
/// undocumented `enable`/`disable` (with the same optional delay).
public enum TriggerAction: Sendable, Equatable {
    case on(delay: Int?)
    case off(delay: Int?)
    case cancel
    case show
    case enable(delay: Int?)
    case disable(delay: Int?)
    case unrecognised

    /// Delays longer than a day are held at a day: the timer table is bounded in time as well as in count.
    public static let maximumDelay = 86_400

    public init(_ text: String) {
        switch text {
        case "cancel": self = .cancel
        case "show": self = .show
        default:
            for (word, make) in [("on", Self.on), ("off", Self.off), ("enable", Self.enable), ("disable", Self.disable)] as [(String, (Int?) -> Self)] {
                guard text.hasPrefix(word) else { continue }
                let rest = text.dropFirst(word.count)
                if rest.isEmpty { self = make(nil); return }
                guard let separator = rest.first, separator == "+" || separator == " " else { continue }
                let digits = rest.dropFirst()
                guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { continue }
                // Perl's `if ($delay)`: "0" is false (no delay); longer digit strings are numbers.
                let value = digits.count > 6 ? Self.maximumDelay : min(Int(digits) ?? 0, Self.maximumDelay)
                self = make(digits == "0" ? nil : value)
                return
            }
            self = .unrecognised
        }
    }
}
