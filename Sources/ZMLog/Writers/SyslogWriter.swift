internal import Glibc

/// The syslog output, speaking the `/dev/log` datagram protocol directly so the socket path can be chosen (tests
/// capture it) and the ident/pid can be another process's (lines forwarded by `zmlog`).
///
/// Datagrams are byte-identical to glibc's `openlog(id, LOG_PID|LOG_NDELAY, LOG_LOCAL1)` + `syslog(pri, "%s", m)`:
/// `<PRI>Mmm dd hh:mm:ss ident[pid]: message`, PRI = 136 (local1) + severity. Perl's Sys::Syslog appends `\n`.
/// Like glibc, a send that fails is dropped silently after one reconnect attempt (no syslog daemon is not an error).
///
/// Not thread-safe: `ZMLogger` calls it under its lock.
final class SyslogWriter {
    static let facilityLocal1: Int32 = 17 << 3

    let socketPath: String
    private let flavour: LogFlavour
    private var fd: Int32 = -1
    private var header = LocalTimeFormatter(.syslogHeader)
    private(set) var datagramsLost = 0

    init(socketPath: String, flavour: LogFlavour) {
        self.socketPath = socketPath
        self.flavour = flavour
        connect()  // LOG_NDELAY
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    static func datagram(
        severity: Int32, timestamp: LogTimestamp, ident: String, pid: Int32, message: String, flavour: LogFlavour,
        header: String
    ) -> String {
        "<\(facilityLocal1 | severity)>\(header) \(ident)[\(pid)]: \(message)" + (flavour == .perl ? "\n" : "")
    }

    func send(severity: Int32, timestamp: LogTimestamp, ident: String, pid: Int32, message: String) {
        let text = Self.datagram(
            severity: severity, timestamp: timestamp, ident: ident, pid: pid, message: message, flavour: flavour,
            header: header.format(timestamp.seconds))
        if fd < 0 { connect() }
        if fd >= 0, sendDatagram(text) { return }
        reconnect()
        if fd >= 0, sendDatagram(text) { return }
        datagramsLost += 1
    }

    func reconnect() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        connect()
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    private func sendDatagram(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count
        }
    }

    private func connect() {
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { return }
        guard UnixSocketAddress.connect(socket, path: socketPath) else {
            Glibc.close(socket)
            return
        }
        fd = socket
    }
}
