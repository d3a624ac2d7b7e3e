/// ZoneMinder's file configuration: `zm.conf`, then every `conf.d/*.conf` in the order Perl's `glob` returns them,
/// later files overriding earlier ones, as `ZoneMinder::Config` resolves it (see `ZMConfParser` for the line
/// syntax). Values set here override rows of the database `Config` table in ZoneMinder's Perl code.
public struct ZMConfFile: Sendable {
    /// The configuration directory, normally `/etc/zm`.
    public let directory: String
    /// Files read, in order: `zm.conf` first.
    public let filesRead: [String]
    /// Final values by upper-cased name.
    public let values: [String: String]
    /// Lines ZoneMinder would skip with "bad line in <file>" (code `malformed`, with path and line).
    public let warnings: [ZMConfigError]

    /// Reads `<directory>/zm.conf` and `<directory>/conf.d/*.conf`.
    ///
    /// A missing `zm.conf` is `notFound`; a missing `conf.d` is fine. A file or `conf.d` that exists but cannot be
    /// read is `unreadable`: ZoneMinder's C++ daemons refuse to start then, and the values would differ from theirs.
    public static func load(directory: String = "/etc/zm") throws(ZMConfigError) -> ZMConfFile {
        let main = FileSystem.join(directory, "zm.conf")
        var files = [main]
        files += try confDFiles(FileSystem.join(directory, "conf.d"))

        var values: [String: String] = [:]
        var warnings: [ZMConfigError] = []
        for file in files {
            let bytes: [UInt8]
            switch FileSystem.read(file) {
            case .success(let read):
                bytes = read
            case .failure(let failure):
                var error = ZMConfigError.cannotRead(file, failure)
                if file == main, error.code == .notFound {
                    error = ZMConfigError(
                        .notFound,
                        "ZoneMinder configuration \(main) not found: is ZoneMinder installed, "
                            + "or does its configuration live in another directory?",
                        path: main)
                }
                throw error
            }
            let parsed = ZMConfParser.parse(bytes)
            for entry in parsed.entries { values[entry.name] = entry.value }
            for bad in parsed.badLines {
                warnings.append(
                    ZMConfigError(
                        .malformed, "\(file):\(bad.line): bad line, expected NAME=VALUE: \(bad.text)",
                        path: file, line: bad.line))
            }
        }
        return ZMConfFile(directory: directory, filesRead: files, values: values, warnings: warnings)
    }

    /// A configuration with these values (names are upper-cased), as if read from `filesRead`.
    public init(values: [String: String], directory: String = "/etc/zm", filesRead: [String] = []) {
        var upper: [String: String] = [:]
        for (name, value) in values { upper[ZMConfFile.upperASCII(name)] = value }
        self.init(directory: directory, filesRead: filesRead, values: upper, warnings: [])
    }

    private init(directory: String, filesRead: [String], values: [String: String], warnings: [ZMConfigError]) {
        self.directory = directory
        self.filesRead = filesRead
        self.values = values
        self.warnings = warnings
    }

    /// The value of `key` (case-insensitive, as ZoneMinder upper-cases names), or nil when no file sets it.
    public subscript(key: String) -> String? {
        values[ZMConfFile.upperASCII(key)]
    }

    /// `ZM_PATH_MAP`, where the `zm.mmap.<id>` segments live; `/dev/shm` when unset or empty.
    public var pathMap: String { nonEmpty("ZM_PATH_MAP") ?? "/dev/shm" }

    /// `ZM_PATH_LOGS`; `/var/log/zm` when unset or empty.
    public var pathLogs: String { nonEmpty("ZM_PATH_LOGS") ?? "/var/log/zm" }

    func nonEmpty(_ key: String) -> String? {
        guard let value = self[key], !value.isEmpty else { return nil }
        return value
    }

    /// `glob "<dir>/*.conf"` as Perl does it: no dot files, sorted case-insensitively (File::Glob's
    /// GLOB_ALPHASORT folds to lower case, so `_x` sorts before `A`), ties by byte order. Directories matching the
    /// pattern yield no lines in ZoneMinder, so they are skipped.
    private static func confDFiles(_ confD: String) throws(ZMConfigError) -> [String] {
        guard FileSystem.isDirectory(confD) else { return [] }
        let names: [String]
        switch FileSystem.list(confD) {
        case .success(let listed): names = listed
        case .failure(let failure): throw ZMConfigError.cannotRead(confD, failure)
        }
        return names
            .filter { !$0.hasPrefix(".") && $0.hasSuffix(".conf") }
            .sorted(by: globOrder)
            .map { FileSystem.join(confD, $0) }
            .filter { !FileSystem.isDirectory($0) }
    }

    static func globOrder(_ a: String, _ b: String) -> Bool {
        let foldedA = a.utf8.map(lowerASCII), foldedB = b.utf8.map(lowerASCII)
        if !foldedA.elementsEqual(foldedB) { return foldedA.lexicographicallyPrecedes(foldedB) }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    private static func lowerASCII(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte
    }

    static func upperASCII(_ s: String) -> String {
        String(decoding: s.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 32 : $0 }, as: UTF8.self)
    }
}
