import MariaDB
import ZMConfig

/// The real ZoneMinder peer: its MariaDB, reached through /etc/zm/zm.conf + conf.d/99-zm-peer.conf.
/// Tests that need it fail (never skip) when it is down.
enum Peer {
    struct Unavailable: Error, CustomStringConvertible {
        let cause: any Error
        var description: String {
            "the ZoneMinder peer must be up (run scripts/zm-peer-up.sh as root): \(cause)"
        }
    }

    static func conf() throws -> ZMConfFile {
        do { return try ZMConfFile.load() } catch { throw Unavailable(cause: error) }
    }

    static func settings() throws -> MariaDBSettings {
        guard let settings = try conf().databaseSettings else {
            throw Unavailable(cause: ZMConfigTestFailure("no ZM_DB_* settings in /etc/zm"))
        }
        return settings
    }

    static func connection() throws -> MariaDBConnection {
        let settings = try settings()
        do { return try MariaDBConnection(settings) } catch { throw Unavailable(cause: error) }
    }

    static func database() throws -> ZMDatabase {
        ZMDatabase(connection: try connection())
    }
}

struct ZMConfigTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
