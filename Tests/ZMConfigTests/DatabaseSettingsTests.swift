import Testing
import MariaDB
import ZMConfig

@Suite("ZMConfFile.databaseSettings: ZM_DB_HOST forms")
struct DatabaseSettingsTests {
    private func settings(host: String?, extra: String = "") throws -> MariaDBSettings? {
        let hostLine = host.map { "ZM_DB_HOST=\($0)\n" } ?? ""
        let text = hostLine + "ZM_DB_NAME=zm\nZM_DB_USER=zmuser\nZM_DB_PASS=\"p#ss word\"\n" + extra
        return try withTemporaryDirectory(["zm.conf": text]) { try ZMConfFile.load(directory: $0).databaseSettings }
    }

    @Test func localhostMeansTheDefaultSocket() throws {
        let s = try #require(try settings(host: "localhost"))
        #expect(s == MariaDBSettings(host: "localhost", user: "zmuser", password: "p#ss word", database: "zm"))
        #expect(s.connectTimeoutSeconds == 2)
        #expect(s.readTimeoutSeconds == 5)
    }

    @Test func hostAndPort() throws {
        let s = try #require(try settings(host: "db.example.org:3307"))
        #expect(s.host == "db.example.org")
        #expect(s.port == 3307)
        #expect(s.unixSocket == nil)
    }

    @Test func hostAndSocketPathIgnoresTheHostLikeZoneMinder() throws {
        let s = try #require(try settings(host: "localhost:/run/zm-peer/mysqld/mysqld.sock"))
        #expect(s.host == nil)
        #expect(s.port == nil)
        #expect(s.unixSocket == "/run/zm-peer/mysqld/mysqld.sock")
    }

    @Test func portIsReadLikeAtoi() throws {
        #expect(try settings(host: "db:3306abc")?.port == 3306)
        #expect(try settings(host: "db:abc")?.port == nil)
        #expect(try settings(host: "db:abc")?.host == "db")
    }

    @Test func unsetHostIsTheLibraryDefault() throws {
        let s = try #require(try settings(host: nil))
        #expect(s.host == nil && s.port == nil && s.unixSocket == nil)
    }

    @Test func laterFileWinsForTheHost() throws {
        let files = [
            "zm.conf": "ZM_DB_HOST=localhost\nZM_DB_NAME=zm\nZM_DB_USER=u\n",
            "conf.d/99-local.conf": "ZM_DB_HOST = 'db2:3310'\n",
        ]
        let s = try withTemporaryDirectory(files) { try ZMConfFile.load(directory: $0).databaseSettings }
        #expect(s?.host == "db2")
        #expect(s?.port == 3310)
        #expect(s?.password == "")
    }

    @Test func missingNameOrUserGivesNoSettings() throws {
        let s = try withTemporaryDirectory(["zm.conf": "ZM_DB_HOST=localhost\nZM_DB_USER=u\n"]) {
            try ZMConfFile.load(directory: $0).databaseSettings
        }
        #expect(s == nil)
    }

    @Test func valuesInitializerUpperCasesNames() {
        let conf = ZMConfFile(values: ["zm_db_host": "db:3307", "ZM_DB_NAME": "zm", "Zm_Db_User": "u"])
        #expect(conf["ZM_DB_USER"] == "u")
        #expect(conf.databaseSettings == MariaDBSettings(host: "db", port: 3307, user: "u", password: "", database: "zm"))
    }

    @Test func descriptionHidesThePassword() {
        let s = MariaDBSettings(unixSocket: "/run/x.sock", user: "zmuser", password: "secret", database: "zm")
        #expect(String(describing: s) == "zmuser@socket /run/x.sock/zm")
        #expect(!String(reflecting: s).contains("secret"))
    }
}
