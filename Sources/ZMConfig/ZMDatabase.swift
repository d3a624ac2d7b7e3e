public import MariaDB

/// Read access to ZoneMinder's database.
///
/// Shares its `MariaDBConnection`, and so its rule: one user at a time.
public struct ZMDatabase: Sendable {
    public let connection: MariaDBConnection

    /// The connection's TLS cipher, nil when it is not encrypted.
    public var tlsCipher: String? { connection.tlsCipher }

    public init(connection: MariaDBConnection) {
        self.connection = connection
    }

    /// Connects with the settings ZoneMinder itself would use (`ZMConfFile.databaseSettings`).
    /// Throws `ZMConfigError` (`missingSetting`) or `MariaDBError`.
    public static func connect(_ conf: ZMConfFile) throws -> ZMDatabase {
        guard let settings = conf.databaseSettings else {
            let missing = ["ZM_DB_NAME", "ZM_DB_USER"].filter { conf[$0] == nil }.joined(separator: " and ")
            throw ZMConfigError(
                .missingSetting,
                "\(missing) set in none of \(conf.filesRead.joined(separator: ", ")); cannot find ZoneMinder's database",
                path: conf.filesRead.first)
        }
        return ZMDatabase(connection: try MariaDBConnection(settings))
    }

    /// `Config.Value` for `name` (e.g. `ZM_DYN_CURR_VERSION`); nil when there is no such row or the value is NULL.
    public func configValue(_ name: String) throws -> String? {
        let rows = try connection.query("SELECT Value FROM Config WHERE Name = ?", [.text(name)])
        return rows.first?.first ?? nil
    }

    /// The columns read only where the schema has them: `Capturing` and `Decoding` are ZoneMinder 1.37's.
    static let optionalMonitorColumns = ["Capturing", "Decoding", "MaxFPS"]

    /// Every monitor, by id, with its zone count; `Capturing`, `Decoding` and `MaxFPS` are NULL where the
    /// `Monitors` table has no such column (1.36 has neither of the first two).
    public func monitors() throws -> [ZMMonitorRow] {
        let present = Set(try connection.query(
            """
            SELECT COLUMN_NAME FROM information_schema.COLUMNS
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'Monitors' AND COLUMN_NAME IN ('Capturing', 'Decoding', 'MaxFPS')
            """).compactMap { $0.first ?? nil })
        let optional = Self.optionalMonitorColumns.map { present.contains($0) ? "m.`\($0)`" : "NULL" }.joined(separator: ", ")
        let rows = try connection.query(
            """
            SELECT m.Id, m.Name, m.`Function`, m.Enabled, m.Width, m.Height, m.Colours, m.ImageBufferCount,
                   (SELECT COUNT(*) FROM Zones z WHERE z.MonitorId = m.Id), \(optional)
            FROM Monitors m ORDER BY m.Id
            """)
        return try rows.map { row throws(ZMConfigError) in
            var columns = RowReader(row, table: "Monitors")
            return ZMMonitorRow(
                id: try columns.int("Id"), name: try columns.text("Name"), function: try columns.text("Function"),
                enabled: try columns.int("Enabled") != 0, width: try columns.int("Width"),
                height: try columns.int("Height"), colours: try columns.int("Colours"),
                imageBufferCount: try columns.int("ImageBufferCount"), zoneCount: try columns.int("zone count"),
                capturing: columns.optionalText(), decoding: columns.optionalText(),
                maxFPS: columns.optionalText().flatMap { Double($0) })
        }
    }

    /// The event with this id, or nil when there is none.
    public func eventRow(id: UInt64) throws -> ZMEventRow? {
        let rows = try connection.query(
            "SELECT Id, MonitorId, Cause, Notes, StartDateTime, EndDateTime FROM Events WHERE Id = ?", [.uint(id)])
        guard let row = rows.first else { return nil }
        var columns = RowReader(row, table: "Events")
        return ZMEventRow(
            id: try columns.uint64("Id"), monitorId: try columns.int("MonitorId"), cause: try columns.text("Cause"),
            notes: columns.optionalText() ?? "", startDateTime: columns.optionalText(),
            endDateTime: columns.optionalText())
    }
}

/// Reads the columns of one text row in order, failing with the table and column name when a value has the
/// wrong form (a schema ZoneMinder 1.36 would not have).
private struct RowReader {
    private let row: [String?]
    private let table: String
    private var index = 0

    init(_ row: [String?], table: String) {
        self.row = row
        self.table = table
    }

    mutating func optionalText() -> String? {
        defer { index += 1 }
        return index < row.count ? row[index] : nil
    }

    mutating func text(_ column: String) throws(ZMConfigError) -> String {
        guard let value = optionalText() else { throw unexpected(column, nil, expected: "text") }
        return value
    }

    mutating func int(_ column: String) throws(ZMConfigError) -> Int {
        let value = optionalText()
        guard let value, let number = Int(value) else { throw unexpected(column, value, expected: "an integer") }
        return number
    }

    mutating func uint64(_ column: String) throws(ZMConfigError) -> UInt64 {
        let value = optionalText()
        guard let value, let number = UInt64(value) else {
            throw unexpected(column, value, expected: "an unsigned integer")
        }
        return number
    }

    private func unexpected(_ column: String, _ value: String?, expected: String) -> ZMConfigError {
        let shown = value.map { "'\($0)'" } ?? "NULL"
        return ZMConfigError(.malformed, "database table \(table): column \(column) is \(shown), expected \(expected)")
    }
}
