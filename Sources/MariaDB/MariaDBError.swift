internal import CMariaDB

/// A failed MariaDB Connector/C call, with what the library reported on its handle
/// (`mysql_errno`, `mysql_sqlstate`, `mysql_error`, or their `mysql_stmt_*` forms).
public struct MariaDBError: Error, CustomStringConvertible, Equatable {
    /// The C function that failed, e.g. `mysql_real_connect`.
    public let function: String
    /// Client (2000–2999) or server error number, e.g. 1045 for access denied.
    public let code: UInt32
    public let sqlState: String
    public let message: String

    public init(function: String, code: UInt32, sqlState: String, message: String) {
        self.function = function
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    /// `mysql_real_connect failed: (2002) Can't connect to local server through socket '/x' (2)`
    public var description: String {
        "\(function) failed: (\(code)) \(message)"
    }
}

extension MariaDBError {
    init(function: String, connection: UnsafeMutablePointer<MYSQL>) {
        self.init(
            function: function,
            code: mysql_errno(connection),
            sqlState: String(cString: mysql_sqlstate(connection)),
            message: String(cString: mysql_error(connection))
        )
    }

    init(function: String, statement: UnsafeMutablePointer<MYSQL_STMT>) {
        self.init(
            function: function,
            code: mysql_stmt_errno(statement),
            sqlState: String(cString: mysql_stmt_sqlstate(statement)),
            message: String(cString: mysql_stmt_error(statement))
        )
    }
}
