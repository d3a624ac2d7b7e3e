/// A prepared-statement parameter.
public enum MariaDBValue: Sendable, Equatable {
    /// Bound as `MYSQL_TYPE_LONGLONG`.
    case int(Int64)
    /// Bound as unsigned `MYSQL_TYPE_LONGLONG`.
    case uint(UInt64)
    /// Bound as `MYSQL_TYPE_DOUBLE`.
    case double(Double)
    /// Bound as `MYSQL_TYPE_STRING`, UTF-8 (the connection character set is utf8mb4).
    case text(String)
    /// Bound as `MYSQL_TYPE_NULL`.
    case null
}
