/// Finds the installed ZoneMinder version without running any program.
public struct ZMVersionDetector: Sendable {
    public static let defaultDpkgStatusPath = "/var/lib/dpkg/status"

    /// Where `ZoneMinder/Base.pm` may be: Debian's vendor dir first, then the site dirs a source install
    /// (`cmake` + `make install`) uses on Debian, Fedora and Arch. A trailing `/*` means every subdirectory
    /// (Perl's versioned dirs such as `/usr/local/share/perl/5.36.0`).
    public static let defaultPerlLibDirs = [
        "/usr/share/perl5",
        "/usr/share/perl5/vendor_perl",
        "/usr/local/share/perl5",
        "/usr/local/share/perl/*",
        "/usr/share/perl/*",
        "/usr/local/lib/x86_64-linux-gnu/perl/*",
        "/usr/local/lib/site_perl",
        "/usr/local/lib/perl5/site_perl",
        "/usr/local/lib/perl5/site_perl/*",
        "/usr/lib/perl5/vendor_perl",
    ]

    /// Tries, in order: the `zoneminder` package in the dpkg status file; `use constant ZM_VERSION => '…'` in
    /// `ZoneMinder/Base.pm`; `define('ZM_VERSION', '…')` in `<ZM_PATH_WEB>/includes/config.php` when `conf` is
    /// given; the `Config` row `ZM_DYN_CURR_VERSION` when `database` is given. Returns the first found.
    public static func detect(
        conf: ZMConfFile?,
        database: ZMDatabase?,
        dpkgStatusPath: String = defaultDpkgStatusPath,
        perlLibDirs: [String] = defaultPerlLibDirs
    ) -> DetectedZMVersion? {
        if let found = fromDpkgStatus(path: dpkgStatusPath) { return found }
        if let found = fromPerlBase(libDirs: perlLibDirs) { return found }
        if let conf, let found = fromWebConfig(conf) { return found }
        if let database, let found = fromDatabase(database) { return found }
        return nil
    }

    /// The `Version:` of an installed (`Status: … installed`) `Package: zoneminder` stanza.
    public static func fromDpkgStatus(path: String) -> DetectedZMVersion? {
        guard case .success(let bytes) = FileSystem.read(path) else { return nil }
        var package: Substring?, status: Substring?, version: Substring?
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty {
                if let found = installedZoneMinder(package, status, version) { return found }
                (package, status, version) = (nil, nil, nil)
            } else if let value = field("Package", line) {
                package = value
            } else if let value = field("Status", line) {
                status = value
            } else if let value = field("Version", line) {
                version = value
            }
        }
        return installedZoneMinder(package, status, version)
    }

    /// `use constant ZM_VERSION => '1.36.33';` in the first `ZoneMinder/Base.pm` found under `libDirs`.
    public static func fromPerlBase(libDirs: [String]) -> DetectedZMVersion? {
        for dir in expand(libDirs) {
            let path = FileSystem.join(dir, "ZoneMinder/Base.pm")
            guard case .success(let bytes) = FileSystem.read(path) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            // use\s+constant\s+ZM_VERSION\s*=>\s*['"]([^'"]+)['"]
            let pattern: [QuotedValueScanner.Step] = [
                .word("use"), .spaces, .word("constant"), .spaces, .word("ZM_VERSION"), .optionalSpaces, .word("=>"),
                .optionalSpaces, .quotedValue,
            ]
            if let value = QuotedValueScanner.firstValue(in: text, pattern), let version = normalize(value) {
                return DetectedZMVersion(version: version, source: "Perl constant ZM_VERSION in \(path)")
            }
        }
        return nil
    }

    /// `define( 'ZM_VERSION', '1.36.33' );` in the web interface's `includes/config.php` under `ZM_PATH_WEB`.
    public static func fromWebConfig(_ conf: ZMConfFile) -> DetectedZMVersion? {
        guard let web = conf.nonEmpty("ZM_PATH_WEB") else { return nil }
        let path = FileSystem.join(web, "includes/config.php")
        guard case .success(let bytes) = FileSystem.read(path) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        // define\s*\(\s*['"]ZM_VERSION['"]\s*,\s*['"]([^'"]+)['"]
        let pattern: [QuotedValueScanner.Step] = [
            .word("define"), .optionalSpaces, .word("("), .optionalSpaces, .quoted("ZM_VERSION"), .optionalSpaces,
            .word(","), .optionalSpaces, .quotedValue,
        ]
        guard let value = QuotedValueScanner.firstValue(in: text, pattern), let version = normalize(value) else {
            return nil
        }
        return DetectedZMVersion(version: version, source: "PHP constant ZM_VERSION in \(path)")
    }

    /// The `Config` row `ZM_DYN_CURR_VERSION`, which zmupdate.pl sets to the schema's version.
    public static func fromDatabase(_ database: ZMDatabase) -> DetectedZMVersion? {
        guard let value = try? database.configValue("ZM_DYN_CURR_VERSION"), let version = normalize(value[...]) else {
            return nil
        }
        return DetectedZMVersion(version: version, source: "database Config ZM_DYN_CURR_VERSION \(value)")
    }

    /// `1:1.36.33+dfsg1-1` → `1.36.33`: drops a Debian epoch, then keeps the leading digits and dots.
    /// Nil unless the result looks like `X.Y` or longer.
    static func normalize(_ raw: Substring) -> String? {
        let trimmed = raw.drop(while: { $0 == " " })
        let upstream = trimmed.firstIndex(of: ":").map { trimmed[trimmed.index(after: $0)...] } ?? trimmed
        var version = upstream.prefix(while: { ($0.isASCII && $0.isNumber) || $0 == "." })
        while version.hasSuffix(".") { version = version.dropLast() }
        guard version.first?.isNumber == true, version.contains(".") else { return nil }
        return String(version)
    }

    private static func installedZoneMinder(
        _ package: Substring?, _ status: Substring?, _ version: Substring?
    ) -> DetectedZMVersion? {
        guard package == "zoneminder", let status, status.split(separator: " ").last == "installed",
            let version, let normalized = normalize(version)
        else { return nil }
        return DetectedZMVersion(version: normalized, source: "dpkg package zoneminder \(version)")
    }

    private static func field(_ name: String, _ line: Substring) -> Substring? {
        guard line.hasPrefix(name + ":") else { return nil }
        return line.dropFirst(name.count + 1).drop(while: { $0 == " " || $0 == "\t" })
    }

    private static func expand(_ dirs: [String]) -> [String] {
        dirs.flatMap { dir -> [String] in
            guard dir.hasSuffix("/*") else { return [dir] }
            let parent = String(dir.dropLast(2))
            guard case .success(let names) = FileSystem.list(parent) else { return [] }
            // Newest Perl first: its dir is the one `perl` would search.
            return names.sorted(by: >).map { FileSystem.join(parent, $0) }.filter(FileSystem.isDirectory)
        }
    }
}
