import Testing
import MariaDB
import ZMConfig

@Suite("ZMDatabase against the ZoneMinder peer")
struct ZMDatabaseTests {
    @Test func connectsWithZoneMindersOwnConfiguration() throws {
        let database: ZMDatabase
        do { database = try ZMDatabase.connect(try ZMConfFile.load()) } catch { throw Peer.Unavailable(cause: error) }
        #expect(try database.configValue("ZM_DYN_CURR_VERSION") == "1.36.33")
        #expect(try database.configValue("ZM_NO_SUCH_OPTION") == nil)
    }

    /// The peer is 1.36: no `Capturing` or `Decoding` column, so both are nil; `MaxFPS` is read.
    @Test func monitorsOfThePeer() throws {
        let monitors = try Peer.database().monitors()
        #expect(monitors == [
            ZMMonitorRow(
                id: 1, name: "peer-modect", function: "Modect", enabled: true, width: 320, height: 240, colours: 4,
                imageBufferCount: 5, zoneCount: 1, maxFPS: 10),
            ZMMonitorRow(
                id: 2, name: "peer-mocord", function: "Mocord", enabled: true, width: 320, height: 240, colours: 3,
                imageBufferCount: 3, zoneCount: 1, maxFPS: 10),
            ZMMonitorRow(
                id: 3, name: "peer-nodect", function: "Nodect", enabled: true, width: 160, height: 120, colours: 1,
                imageBufferCount: 8, zoneCount: 0, maxFPS: 5),
        ])
    }

    /// The prepared-statement row must equal what the text protocol shows for the same closed event.
    @Test func eventRowMatchesTheTable() throws {
        let database = try Peer.database()
        let rows = try database.connection.query(
            """
            SELECT Id, MonitorId, Cause, Notes, StartDateTime, EndDateTime FROM Events
            WHERE EndDateTime IS NOT NULL ORDER BY Id LIMIT 1
            """)
        let row = try #require(rows.first, "the peer has recorded no closed event yet")
        let id = try #require(UInt64(row[0] ?? ""))
        let event = try #require(try database.eventRow(id: id))
        #expect(event == ZMEventRow(
            id: id, monitorId: Int(row[1] ?? "") ?? -1, cause: row[2] ?? "", notes: row[3] ?? "",
            startDateTime: row[4], endDateTime: row[5]))
        #expect(event.startDateTime?.count == 19)  // 2026-11-22 03:02:05
        #expect(try database.eventRow(id: UInt64.max) == nil)
    }

    @Test func connectWithoutDatabaseSettingsNamesTheFiles() throws {
        try withTemporaryDirectory(["zm.conf": "ZM_DB_HOST=localhost\nZM_DB_USER=zmuser\n"]) { dir in
            let conf = try ZMConfFile.load(directory: dir)
            let error = #expect(throws: ZMConfigError.self) { try ZMDatabase.connect(conf) }
            #expect(error?.code == .missingSetting)
            #expect(error?.message.contains("ZM_DB_NAME") == true)
            #expect(error?.message.contains(dir + "/zm.conf") == true)
        }
    }
}
