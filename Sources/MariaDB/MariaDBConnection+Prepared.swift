internal import CMariaDB

extension MariaDBConnection {
    /// Runs `sql` as a prepared statement with `params` bound to its `?` placeholders, in order, and returns every
    /// row with each column converted to text by the client library; SQL NULL is nil. A statement without a result
    /// set returns `[]`.
    ///
    /// C calls: `mysql_stmt_prepare`, `mysql_stmt_bind_param`, `mysql_stmt_execute`, `mysql_stmt_bind_result`,
    /// `mysql_stmt_store_result`, `mysql_stmt_fetch`, `mysql_stmt_fetch_column`.
    public func query(_ sql: String, _ params: [MariaDBValue]) throws(MariaDBError) -> [[String?]] {
        guard let statement = mysql_stmt_init(handle) else {
            throw MariaDBError(function: "mysql_stmt_init", connection: handle)
        }
        defer { mysql_stmt_close(statement) }

        let length = UInt(sql.utf8.count)
        guard sql.withCString({ mysql_stmt_prepare(statement, $0, length) }) == 0 else {
            throw MariaDBError(function: "mysql_stmt_prepare", statement: statement)
        }
        let placeholders = Int(mysql_stmt_param_count(statement))
        guard placeholders == params.count else {
            // CR_INVALID_PARAMETER_NO: the library itself would read `placeholders` binds past our array.
            throw MariaDBError(
                function: "mysql_stmt_bind_param", code: 2034, sqlState: "HY000",
                message: "statement has \(placeholders) placeholders but \(params.count) parameters were given")
        }

        // The library reads these buffers during mysql_stmt_execute, so they live until this function returns.
        let parameters = ParameterBuffers(params)
        defer { parameters.deallocate() }
        if !params.isEmpty, mysql_stmt_bind_param(statement, parameters.binds) != 0 {
            throw MariaDBError(function: "mysql_stmt_bind_param", statement: statement)
        }
        guard mysql_stmt_execute(statement) == 0 else {
            throw MariaDBError(function: "mysql_stmt_execute", statement: statement)
        }

        guard let metadata = mysql_stmt_result_metadata(statement) else {
            if mysql_stmt_errno(statement) != 0 {
                throw MariaDBError(function: "mysql_stmt_result_metadata", statement: statement)
            }
            return []
        }
        let columns = Int(mysql_num_fields(metadata))
        mysql_free_result(metadata)
        return try fetchRows(statement, columns: columns)
    }

    private func fetchRows(_ statement: UnsafeMutablePointer<MYSQL_STMT>, columns: Int) throws(MariaDBError) -> [[String?]] {
        let results = ResultBuffers(columns: columns)
        defer { results.deallocate() }
        guard mysql_stmt_bind_result(statement, results.binds) == 0 else {
            throw MariaDBError(function: "mysql_stmt_bind_result", statement: statement)
        }
        guard mysql_stmt_store_result(statement) == 0 else {
            throw MariaDBError(function: "mysql_stmt_store_result", statement: statement)
        }

        var rows: [[String?]] = []
        while true {
            let rc = mysql_stmt_fetch(statement)
            if rc == MYSQL_NO_DATA { break }
            guard rc == 0 || rc == MYSQL_DATA_TRUNCATED else {
                throw MariaDBError(function: "mysql_stmt_fetch", statement: statement)
            }
            var row: [String?] = []
            row.reserveCapacity(columns)
            for column in 0..<columns {
                if results.isNull[column] != 0 {
                    row.append(nil)
                } else if let text = results.text(column) {
                    row.append(text)
                } else {
                    row.append(try fetchLongColumn(statement, column: column, length: Int(results.lengths[column])))
                }
            }
            rows.append(row)
        }
        return rows
    }

    /// Re-reads one column of the current row whose value did not fit the fixed result buffer.
    private func fetchLongColumn(
        _ statement: UnsafeMutablePointer<MYSQL_STMT>, column: Int, length: Int
    ) throws(MariaDBError) -> String {
        let bind = UnsafeMutablePointer<MYSQL_BIND>.allocate(capacity: 1)
        bind.initialize(to: MYSQL_BIND())
        let fetchedLength = UnsafeMutablePointer<UInt>.allocate(capacity: 1)
        fetchedLength.initialize(to: 0)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: length, alignment: 1)
        defer {
            buffer.deallocate()
            fetchedLength.deallocate()
            bind.deinitialize(count: 1)
            bind.deallocate()
        }
        bind.pointee.buffer_type = MYSQL_TYPE_STRING
        bind.pointee.buffer = buffer
        bind.pointee.buffer_length = UInt(length)
        bind.pointee.length = fetchedLength
        guard mysql_stmt_fetch_column(statement, bind, UInt32(column), 0) == 0 else {
            throw MariaDBError(function: "mysql_stmt_fetch_column", statement: statement)
        }
        let count = min(Int(fetchedLength.pointee), length)
        return String(decoding: UnsafeRawBufferPointer(start: buffer, count: count), as: UTF8.self)
    }
}
