internal import Glibc

/// A problem with ZoneMinder's configuration: a missing or unreadable file, a line ZoneMinder would reject, or a
/// setting that is needed but absent. `message` names the file (and line).
public struct ZMConfigError: Error, CustomStringConvertible, Equatable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String {
            case notFound, unreadable, malformed, missingSetting
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The file does not exist.
        public static let notFound = Code(.notFound)
        /// The file exists but cannot be read (permissions, a directory, an I/O error).
        public static let unreadable = Code(.unreadable)
        /// A line is not `NAME=VALUE`, or a value has the wrong form.
        public static let malformed = Code(.malformed)
        /// A setting that is needed (e.g. `ZM_DB_NAME`) is set nowhere.
        public static let missingSetting = Code(.missingSetting)

        public var description: String { value.rawValue }
    }

    public let code: Code
    public let message: String
    /// The file concerned, if any.
    public let path: String?
    /// 1-based line number, for `malformed` lines.
    public let line: Int?

    public var description: String { message }

    init(_ code: Code, _ message: String, path: String? = nil, line: Int? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.line = line
    }
}

extension ZMConfigError {
    static func cannotRead(_ path: String, _ failure: FileSystem.Failure) -> ZMConfigError {
        switch failure.errno {
        case ENOENT:
            return ZMConfigError(.notFound, "\(path) not found", path: path)
        case EACCES, EPERM:
            return ZMConfigError(
                .unreadable,
                "\(path) is not readable (\(failure.reason)); it is typically root:www-data 0640, "
                    + "so run as root or as a member of group www-data",
                path: path)
        default:
            return ZMConfigError(.unreadable, "\(path) is not readable (\(failure.reason))", path: path)
        }
    }
}
