/// Where and how to connect to a MariaDB or MySQL server.
///
/// With `host` nil or `"localhost"`, the client library connects through a unix socket (`unixSocket`, or the
/// compiled-in default socket when that is nil); any other host means TCP to `host:port` (port 0/nil is 3306).
public struct MariaDBSettings: Sendable, Equatable {
    public var host: String?
    public var port: UInt32?
    public var unixSocket: String?
    public var user: String
    public var password: String
    public var database: String
    /// `MYSQL_OPT_CONNECT_TIMEOUT`.
    public var connectTimeoutSeconds: UInt32
    /// `MYSQL_OPT_READ_TIMEOUT`, also used as `MYSQL_OPT_WRITE_TIMEOUT`.
    public var readTimeoutSeconds: UInt32
    /// TLS as ZoneMinder asks for it (`mysql_ssl_set`); nil: none.
    public var tls: MariaDBTLS?

    public init(
        host: String? = nil,
        port: UInt32? = nil,
        unixSocket: String? = nil,
        user: String,
        password: String,
        database: String,
        connectTimeoutSeconds: UInt32 = 2,
        readTimeoutSeconds: UInt32 = 5
    ) {
        self.host = host
        self.port = port
        self.unixSocket = unixSocket
        self.user = user
        self.password = password
        self.database = database
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.readTimeoutSeconds = readTimeoutSeconds
    }
}

extension MariaDBSettings: CustomStringConvertible {
    /// Never shows the password, so settings can be logged.
    public var description: String {
        let place: String
        if let unixSocket {
            place = "socket \(unixSocket)"
        } else {
            place = "\(host ?? "localhost")" + (port.map { ":\($0)" } ?? "")
        }
        return "\(user)@\(place)/\(database)" + (tls == nil ? "" : " (TLS)")
    }
}

/// ZoneMinder's `ZM_DB_SSL_CA_CERT`, `ZM_DB_SSL_CLIENT_KEY` and `ZM_DB_SSL_CLIENT_CERT`: TLS is required, and the
/// server's certificate must chain to `caFile`; the client certificate is presented when both key and cert are set.
public struct MariaDBTLS: Sendable, Equatable {
    public var caFile: String
    public var clientKey: String?
    public var clientCertificate: String?

    public init(caFile: String, clientKey: String? = nil, clientCertificate: String? = nil) {
        self.caFile = caFile
        self.clientKey = clientKey
        self.clientCertificate = clientCertificate
    }
}
