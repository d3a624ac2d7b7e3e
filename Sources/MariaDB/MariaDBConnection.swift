internal import CMariaDB
internal import CMariaDBLoader

// `mysql_library_init` is a macro Swift cannot see; the function behind it must run once per process before any
// other call. A global initialiser runs exactly once and is thread-safe (swift_once). It also loads libmariadb.
private let libraryInitResult: Int32 = mysql_server_init(0, nil, nil)

/// One connection to a MariaDB/MySQL server (a `MYSQL*` handle of MariaDB Connector/C).
///
/// `@unchecked Sendable`: a `MYSQL*` is a single-thread object. The connection may be handed from one task or thread
/// to another, but only one of them may use it at a time. Calls block (network I/O), so keep them off the
/// cooperative thread pool in long-running code.
public final class MariaDBConnection: @unchecked Sendable {
    let handle: UnsafeMutablePointer<MYSQL>
    public let settings: MariaDBSettings

    /// Connects with `mysql_init`, `mysql_options` (connect/read/write timeouts, utf8mb4) and `mysql_real_connect`.
    public init(_ settings: MariaDBSettings) throws(MariaDBError) {
        // Before the library loads: a TLS process keeps OpenSSL's full set-up (docs/database.md).
        if settings.tls != nil { lookout_mariadb_want_tls() }
        guard libraryInitResult == 0 else {
            throw MariaDBError(
                function: "mysql_server_init", code: UInt32(bitPattern: libraryInitResult), sqlState: "HY000",
                message: lookout_mariadb_load_error().map { String(cString: $0) } ?? "MariaDB client library initialisation failed")
        }
        if settings.tls != nil, lookout_mariadb_openssl_setup_skipped() != 0 {
            // Measured: without the digests the set-up registers, the handshake fails ("CA signature digest
            // algorithm too weak"); say why instead.
            throw MariaDBError(
                function: "mysql_ssl_set", code: 0, sqlState: "HY000",
                message: "this process connected without TLS first, so OpenSSL was loaded without its set-up (docs/database.md); "
                    + "TLS needs a process whose first connection asks for it: restart it")
        }
        guard let handle = mysql_init(nil) else {
            throw MariaDBError(function: "mysql_init", code: 2008, sqlState: "HY000", message: "MySQL client ran out of memory")
        }
        var connectTimeout = settings.connectTimeoutSeconds
        var ioTimeout = settings.readTimeoutSeconds
        var failedOption: String?
        if mysql_options(handle, MYSQL_OPT_CONNECT_TIMEOUT, &connectTimeout) != 0 {
            failedOption = "MYSQL_OPT_CONNECT_TIMEOUT"
        } else if mysql_options(handle, MYSQL_OPT_READ_TIMEOUT, &ioTimeout) != 0 {
            failedOption = "MYSQL_OPT_READ_TIMEOUT"
        } else if mysql_options(handle, MYSQL_OPT_WRITE_TIMEOUT, &ioTimeout) != 0 {
            failedOption = "MYSQL_OPT_WRITE_TIMEOUT"
        } else if "utf8mb4".withCString({ mysql_options(handle, MYSQL_SET_CHARSET_NAME, $0) }) != 0 {
            failedOption = "MYSQL_SET_CHARSET_NAME"
        }
        if failedOption == nil, let tls = settings.tls {
            failedOption = Self.requestTLS(handle, tls)
        }
        if let failedOption {
            mysql_close(handle)
            throw MariaDBError(function: "mysql_options", code: 0, sqlState: "HY000", message: "\(failedOption) rejected")
        }

        let connected = withOptionalCString(settings.host) { host in
            withOptionalCString(settings.unixSocket) { socket in
                settings.user.withCString { user in
                    settings.password.withCString { password in
                        settings.database.withCString { database in
                            mysql_real_connect(
                                handle, host, user, password, database, settings.port ?? 0, socket, 0) != nil
                        }
                    }
                }
            }
        }
        guard connected else {
            let error = Self.explained(MariaDBError(function: "mysql_real_connect", connection: handle), settings)
            mysql_close(handle)
            throw error
        }
        self.handle = handle
        self.settings = settings
    }

    deinit {
        mysql_close(handle)
    }

    /// The TLS cipher of this connection (e.g. `TLS_AES_256_GCM_SHA384`), or nil when it is not encrypted.
    public var tlsCipher: String? { mysql_get_ssl_cipher(handle).map { String(cString: $0) } }

    /// MariaDB answers a clear-text login to a server with `require_secure_transport=ON` with a bare "Access denied"
    /// (1045; MySQL says 3159): say that TLS was not asked for, and how to ask.
    static func explained(_ error: MariaDBError, _ settings: MariaDBSettings) -> MariaDBError {
        let overNetwork = settings.unixSocket == nil && settings.host != nil && settings.host != "localhost"
        guard settings.tls == nil, overNetwork, error.code == 1045 || error.code == 3159 else { return error }
        return MariaDBError(
            function: error.function, code: error.code, sqlState: error.sqlState,
            message: error.message + "; this connection is not encrypted (no ZM_DB_SSL_CA_CERT in zm.conf), and a server that "
                + "requires secure transport refuses it so: set ZM_DB_SSL_CA_CERT (and ZM_DB_SSL_CLIENT_KEY/_CERT if it wants a client certificate)")
    }

    /// As `zm_db.cpp` does: `mysql_ssl_set(key, cert, ca)`. With a CA the connector verifies the server's chain
    /// (SSL_VERIFY_PEER) and refuses a server without TLS; the host name is not checked, as ZoneMinder does not.
    private static func requestTLS(_ handle: UnsafeMutablePointer<MYSQL>, _ tls: MariaDBTLS) -> String? {
        let failed = withOptionalCString(tls.clientKey) { key in
            withOptionalCString(tls.clientCertificate) { certificate in
                tls.caFile.withCString { ca in mysql_ssl_set(handle, key, certificate, ca, nil, nil) != 0 }
            }
        }
        return failed ? "mysql_ssl_set" : nil
    }

    /// Runs `sql` over the text protocol (`mysql_real_query` + `mysql_store_result`) and returns every row,
    /// each column as text; SQL NULL is nil. A statement without a result set returns `[]`.
    public func query(_ sql: String) throws(MariaDBError) -> [[String?]] {
        try realQuery(sql)
        guard let result = mysql_store_result(handle) else {
            if mysql_field_count(handle) == 0 { return [] }
            throw MariaDBError(function: "mysql_store_result", connection: handle)
        }
        defer { mysql_free_result(result) }

        let columns = Int(mysql_num_fields(result))
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(mysql_num_rows(result)))
        while let row = mysql_fetch_row(result), let lengths = mysql_fetch_lengths(result) {
            var values: [String?] = []
            values.reserveCapacity(columns)
            for column in 0..<columns {
                if let cell = row[column] {
                    let bytes = UnsafeRawBufferPointer(start: cell, count: Int(lengths[column]))
                    values.append(String(decoding: bytes, as: UTF8.self))
                } else {
                    values.append(nil)
                }
            }
            rows.append(values)
        }
        return rows
    }

    /// Runs a statement (`mysql_real_query`) and returns `mysql_affected_rows`. A result set, if any, is discarded.
    @discardableResult
    public func execute(_ sql: String) throws(MariaDBError) -> UInt64 {
        try realQuery(sql)
        if mysql_field_count(handle) > 0 {
            guard let result = mysql_store_result(handle) else {
                throw MariaDBError(function: "mysql_store_result", connection: handle)
            }
            mysql_free_result(result)
        }
        return mysql_affected_rows(handle)
    }

    /// Escapes `s` for use inside a quoted SQL string literal (`mysql_real_escape_string`, connection charset).
    public func escape(_ s: String) -> String {
        let source = Array(s.utf8)
        var escaped = [UInt8](repeating: 0, count: source.count * 2 + 1)
        let count = source.withUnsafeBufferPointer { from in
            escaped.withUnsafeMutableBufferPointer { to in
                from.withMemoryRebound(to: CChar.self) { from in
                    to.withMemoryRebound(to: CChar.self) { to in
                        mysql_real_escape_string(handle, to.baseAddress, from.baseAddress, UInt(from.count))
                    }
                }
            }
        }
        precondition(count < escaped.count, "mysql_real_escape_string overflowed its 2n+1 buffer")
        return String(decoding: escaped[..<Int(count)], as: UTF8.self)
    }

    private func realQuery(_ sql: String) throws(MariaDBError) {
        let length = UInt(sql.utf8.count)
        let rc = sql.withCString { mysql_real_query(handle, $0, length) }
        guard rc == 0 else { throw MariaDBError(function: "mysql_real_query", connection: handle) }
    }
}

private func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let string else { return body(nil) }
    return string.withCString { body($0) }
}
