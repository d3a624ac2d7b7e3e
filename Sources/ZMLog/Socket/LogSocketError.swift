/// A failure to set up the zmlog→agent socket: the call, the path and the errno text.
public struct LogSocketError: Error, CustomStringConvertible, Equatable {
    public let function: String
    public let path: String
    public let errno: Int32
    public var description: String { "\(function)(\(path)) failed: \(Posix.errorText(errno))" }
}
