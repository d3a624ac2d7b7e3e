import ZMShm

enum ZMVersionParsing {
    static func parse(_ text: String) -> ZMVersion? { ZMVersion(parsing: text) }
}
