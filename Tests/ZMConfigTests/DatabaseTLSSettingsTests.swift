import Testing
import MariaDB
import ZMConfig

@Suite("ZMConfFile.databaseSettings: ZM_DB_SSL_* as ZoneMinder reads them")
struct DatabaseTLSSettingsTests {
    private func settings(_ extra: String) throws -> MariaDBSettings? {
        let text = "ZM_DB_HOST=db.example.org\nZM_DB_NAME=zm\nZM_DB_USER=zmuser\nZM_DB_PASS=p\n" + extra
        return try withTemporaryDirectory(["zm.conf": text]) { try ZMConfFile.load(directory: $0).databaseSettings }
    }

    @Test("TLS exactly when ZM_DB_SSL_CA_CERT is set and not empty; the client pair goes along when set")
    func tlsFromTheCA() throws {
        #expect(try settings("")?.tls == nil)
        #expect(try settings("ZM_DB_SSL_CA_CERT=\nZM_DB_SSL_CLIENT_KEY=/k.pem\n")?.tls == nil, "ZoneMinder ignores a client key without a CA")
        #expect(try settings("ZM_DB_SSL_CA_CERT=/etc/zm/ca.pem\n")?.tls == MariaDBTLS(caFile: "/etc/zm/ca.pem"))
        let full = try settings("ZM_DB_SSL_CA_CERT=/etc/zm/ca.pem\nZM_DB_SSL_CLIENT_KEY=/etc/zm/k.pem\nZM_DB_SSL_CLIENT_CERT=/etc/zm/c.pem\n")
        #expect(full?.tls == MariaDBTLS(caFile: "/etc/zm/ca.pem", clientKey: "/etc/zm/k.pem", clientCertificate: "/etc/zm/c.pem"))
        #expect(full?.description == "zmuser@db.example.org/zm (TLS)")
    }
}
