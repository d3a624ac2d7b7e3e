import Testing
import MariaDB

@Suite("MariaDBConnection against the ZoneMinder peer's MariaDB")
struct MariaDBConnectionTests {
    @Test func textQueryReturnsTextAndNulls() throws {
        let connection = try Peer.connection()
        let rows = try connection.query("SELECT 1, NULL, 'Grüße ✓ 🎥', '' UNION ALL SELECT 2, 'x', NULL, NULL")
        #expect(rows == [["1", nil, "Grüße ✓ 🎥", ""], ["2", "x", nil, nil]])
        #expect(try connection.query("SELECT 1 FROM Monitors WHERE 1 = 0") == [])
    }

    @Test func preparedQueryBindsEveryParameterType() throws {
        let connection = try Peer.connection()
        let rows = try connection.query(
            "SELECT ?, ?, ?, ?, ?, CONCAT(?, '|'), ? IS NULL",
            [.int(-5), .uint(UInt64.max), .double(1.5), .text("Grüße ✓ 🎥"), .null, .text(""), .null])
        #expect(rows == [["-5", "18446744073709551615", "1.5", "Grüße ✓ 🎥", nil, "|", "1"]])
    }

    @Test func preparedQueryReturnsValuesLongerThanTheFixedBuffer() throws {
        let connection = try Peer.connection()
        let long = String(repeating: "ü🎥x", count: 500)  // 3500 bytes
        let rows = try connection.query("SELECT ?, CHAR_LENGTH(?), 'short'", [.text(long), .text(long)])
        #expect(rows == [[long, "1500", "short"]])
    }

    @Test func preparedQueryOnZoneMinderTables() throws {
        let connection = try Peer.connection()
        let rows = try connection.query(
            "SELECT Id, Name, Width FROM Monitors WHERE Id = ? OR Name = ? ORDER BY Id",
            [.int(1), .text("peer-nodect")])
        #expect(rows == [["1", "peer-modect", "320"], ["3", "peer-nodect", "160"]])
        #expect(try connection.query("SELECT Id FROM Monitors WHERE Id = ?", [.uint(999_999)]) == [])
    }

    @Test func placeholderCountMismatchIsAnErrorNotACrash() throws {
        let connection = try Peer.connection()
        let error = #expect(throws: MariaDBError.self) { try connection.query("SELECT ?, ?", [.int(1)]) }
        #expect(error?.code == 2034)
        #expect(error?.message == "statement has 2 placeholders but 1 parameters were given")
    }

    @Test func sqlErrorsCarryTheServerCodeAndFunction() throws {
        let connection = try Peer.connection()
        let prepared = #expect(throws: MariaDBError.self) { try connection.query("SELEKT ?", [.int(1)]) }
        #expect(prepared?.function == "mysql_stmt_prepare")
        #expect(prepared?.code == 1064)
        #expect(prepared?.sqlState == "42000")
        let text = #expect(throws: MariaDBError.self) { try connection.query("SELECT NoSuchColumn FROM Monitors") }
        #expect(text?.function == "mysql_real_query")
        #expect(text?.code == 1054)
        #expect(text?.description.hasPrefix("mysql_real_query failed: (1054) Unknown column 'NoSuchColumn'") == true)
        // The connection is still usable after errors.
        #expect(try connection.query("SELECT 7") == [["7"]])
    }

    @Test func executeReturnsAffectedRows() throws {
        let connection = try Peer.connection()
        #expect(try connection.execute("SET @lookout_probe = 42") == 0)
        #expect(try connection.query("SELECT @lookout_probe") == [["42"]])
        #expect(try connection.execute("UPDATE Monitors SET Name = Name WHERE Id = 0") == 0)
    }

    @Test func escapeProducesAUsableLiteral() throws {
        let connection = try Peer.connection()
        let nasty = "it's \"quoted\" \\ back\nslash ✓"
        let escaped = connection.escape(nasty)
        #expect(escaped == "it\\'s \\\"quoted\\\" \\\\ back\\nslash ✓")
        #expect(try connection.query("SELECT '\(escaped)'") == [[nasty]])
        #expect(connection.escape("") == "")
    }

    @Test func wrongPasswordIsError1045() throws {
        var settings = try Peer.settings()
        settings.password = "definitely-wrong"
        let error = #expect(throws: MariaDBError.self) { try MariaDBConnection(settings) }
        #expect(error?.function == "mysql_real_connect")
        #expect(error?.code == 1045)
        #expect(error?.sqlState == "28000")
        #expect(error?.message.contains("Access denied for user 'zmuser'") == true)
    }

    @Test func missingSocketIsAClearError() throws {
        var settings = try Peer.settings()
        settings.unixSocket = "/run/zm-peer/mysqld/no-such.sock"
        let error = #expect(throws: MariaDBError.self) { try MariaDBConnection(settings) }
        #expect(error?.code == 2002)
        #expect(error?.description.hasPrefix("mysql_real_connect failed: (2002) Can't connect to local server through socket '/run/zm-peer/mysqld/no-such.sock'") == true)
    }

    /// A server that accepts TCP but never greets: only the 1 s connect timeout can end the handshake (the read
    /// timeout is an hour), so returning at all shows the timeout was applied. The time limit is a hang guard.
    @Test(.timeLimit(.minutes(1)))
    func silentServerHitsTheConnectTimeout() throws {
        let listener = try SilentTCPListener()
        let settings = MariaDBSettings(
            host: "127.0.0.1", port: UInt32(listener.port), user: "zmuser", password: "x", database: "zm",
            connectTimeoutSeconds: 1, readTimeoutSeconds: 3600)
        let error = #expect(throws: MariaDBError.self) { try MariaDBConnection(settings) }
        #expect(error?.function == "mysql_real_connect")
        #expect([2002, 2013].contains(error?.code ?? 0))
        withExtendedLifetime(listener) {}
    }
}
