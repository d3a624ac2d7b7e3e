internal import Glibc

/// Formats the seconds part of a line's timestamp in local time (`TZ`, `/etc/localtime`), caching the text of the
/// last second: at high rates nearly every line falls in the same second as the previous one.
struct LocalTimeFormatter: Sendable {
    enum Style: Sendable {
        /// `%m/%d/%y %H:%M:%S`: what C++ writes, since libzm never calls `setlocale` and `%x` stays C-locale.
        case cLocale
        /// `%x %H:%M:%S` in the environment's `LC_ALL`/`LC_TIME`/`LANG` locale, as Perl's `POSIX::strftime` does.
        case environmentLocale
        /// `%h %e %T`, C locale: the header glibc's `syslog(3)` puts before the ident.
        case syslogHeader
    }

    let style: Style
    private var cachedSecond: Int64 = .min
    private var cachedText = ""

    init(_ style: Style) {
        self.style = style
    }

    mutating func format(_ seconds: Int64) -> String {
        if seconds != cachedSecond {
            cachedText = Self.render(seconds, style)
            cachedSecond = seconds
        }
        return cachedText
    }

    static func render(_ seconds: Int64, _ style: Style) -> String {
        var time = time_t(seconds)
        var parts = tm()
        localtime_r(&time, &parts)
        var buffer = [CChar](repeating: 0, count: 128)
        let count: Int
        switch style {
        case .cLocale:
            count = strftime(&buffer, buffer.count, "%m/%d/%y %H:%M:%S", &parts)
        case .syslogHeader:
            count = strftime(&buffer, buffer.count, "%b %e %H:%M:%S", &parts)
        case .environmentLocale:
            if let locale = newlocale(LC_TIME_MASK, "", nil) {
                count = strftime_l(&buffer, buffer.count, "%x %H:%M:%S", &parts, locale)
                freelocale(locale)
            } else {
                count = strftime(&buffer, buffer.count, "%m/%d/%y %H:%M:%S", &parts)
            }
        }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
