public import MariaDB

extension ZMConfFile {
    /// Connection settings from `ZM_DB_HOST`, `ZM_DB_NAME`, `ZM_DB_USER` and `ZM_DB_PASS`, or nil when
    /// `ZM_DB_NAME` or `ZM_DB_USER` is unset. `ZM_DB_HOST` forms, as ZoneMinder splits them at the first colon:
    /// `host` (`localhost`, or unset/empty, means the client library's default unix socket), `host:port`, and
    /// `host:/path/to/socket` (ZoneMinder then ignores the host part).
    public var databaseSettings: MariaDBSettings? {
        guard let database = self["ZM_DB_NAME"], let user = self["ZM_DB_USER"] else { return nil }
        let endpoint = ZMConfFile.databaseEndpoint(self["ZM_DB_HOST"] ?? "")
        var settings = MariaDBSettings(
            host: endpoint.host, port: endpoint.port, unixSocket: endpoint.unixSocket,
            user: user, password: self["ZM_DB_PASS"] ?? "", database: database)
        settings.tls = databaseTLS
        return settings
    }

    /// TLS exactly when ZoneMinder uses it: `ZM_DB_SSL_CA_CERT` set and not empty (zm_db.cpp, ZoneMinder::Database);
    /// the client key and certificate go along when set.
    public var databaseTLS: MariaDBTLS? {
        guard let ca = self["ZM_DB_SSL_CA_CERT"], !ca.isEmpty else { return nil }
        func optional(_ name: String) -> String? { self[name].flatMap { $0.isEmpty ? nil : $0 } }
        return MariaDBTLS(caFile: ca, clientKey: optional("ZM_DB_SSL_CLIENT_KEY"), clientCertificate: optional("ZM_DB_SSL_CLIENT_CERT"))
    }

    /// Splits `ZM_DB_HOST` like `zm_db.cpp` / `ZoneMinder::Database` (`/^([^:]+)(?::(.+))?$/`). A port is read like
    /// C `atoi`: leading digits, 0 (the default port) when there are none.
    static func databaseEndpoint(_ value: String) -> (host: String?, port: UInt32?, unixSocket: String?) {
        guard let colon = value.firstIndex(of: ":") else {
            return (value.isEmpty ? nil : value, nil, nil)
        }
        let host = String(value[..<colon])
        let rest = value[value.index(after: colon)...]
        if rest.hasPrefix("/") {
            return (nil, nil, String(rest))
        }
        let port = UInt32(rest.prefix(while: { $0.isASCII && $0.isNumber })) ?? 0
        return (host.isEmpty ? nil : host, port == 0 ? nil : port, nil)
    }
}
