/// A configuration problem, naming the file and the key so the fix is obvious. Start-up stops on it.
public struct AgentConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let key: String?
    public let message: String

    public init(file: String, key: String?, _ message: String) {
        self.file = file
        self.key = key
        self.message = message
    }

    public var description: String {
        if let key { return "\(file): \(key): \(message)" }
        return "\(file): \(message)"
    }
}
