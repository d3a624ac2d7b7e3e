import CMosquitto
import CMosquittoLoader
import Glibc

/// One libmosquitto client, driven by its owner's thread (no libmosquitto thread): the owner polls `socket`, calls
/// `read`/`write`/`housekeeping`, then takes the `events` the callbacks left. Not thread-safe, like the library.
final class MosquittoClient {
    enum Event {
        case connected(code: Int32)
        case disconnected(code: Int32)
        case published(messageID: Int32)
        case message(topic: String, payload: [UInt8])
    }

    private let handle: OpaquePointer
    private(set) var events: [Event] = []

    /// Loads libmosquitto on first use; throws its reason when the library is missing.
    static func load(tls: Bool) throws(MQTTError) {
        if let problem = lookout_mosquitto_load(tls ? 1 : 0) { throw MQTTError(String(cString: problem)) }
    }

    init(_ settings: MQTTSettings) throws(MQTTError) {
        guard let handle = mosquitto_new(settings.clientID, true, nil) else { throw MQTTError("mosquitto_new failed (out of memory?)") }
        self.handle = handle
        mosquitto_connect_callback_set(handle) { _, context, code in MosquittoClient.from(context).events.append(.connected(code: code)) }
        mosquitto_disconnect_callback_set(handle) { _, context, code in MosquittoClient.from(context).events.append(.disconnected(code: code)) }
        mosquitto_publish_callback_set(handle) { _, context, id in MosquittoClient.from(context).events.append(.published(messageID: id)) }
        mosquitto_message_callback_set(handle) { _, context, message in
            guard let message, let topic = message.pointee.topic else { return }
            let payload = message.pointee.payload.map {
                Array(UnsafeRawBufferPointer(start: $0, count: Int(message.pointee.payloadlen)))
            } ?? []
            MosquittoClient.from(context).events.append(.message(topic: String(cString: topic), payload: payload))
        }
        // The user data pointer is set after the callbacks: mosquitto_new copied nil, and this object outlives the
        // handle (deinit destroys it first).
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311), "protocol version")
        try check(mosquitto_max_inflight_messages_set(handle, 100), "max inflight")
        if let username = settings.username {
            try check(mosquitto_username_pw_set(handle, username, settings.password), "username")
        }
        if settings.tls {
            let caDirectory = settings.caFile == nil ? "/etc/ssl/certs" : nil
            try check(mosquitto_tls_set(handle, settings.caFile, caDirectory, settings.certFile, settings.keyFile, nil), "TLS")
        }
        let will = Array("offline".utf8)
        try check(mosquitto_will_set(handle, settings.availabilityTopic, Int32(will.count), will, 1, true), "will")
    }

    deinit { mosquitto_destroy(handle) }

    private static func from(_ context: UnsafeMutableRawPointer?) -> MosquittoClient {
        Unmanaged<MosquittoClient>.fromOpaque(context!).takeUnretainedValue()
    }

    private func check(_ code: Int32, _ what: String) throws(MQTTError) {
        guard code == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError("\(what): \(Self.describe(code))") }
    }

    static func describe(_ code: Int32) -> String {
        if code == MOSQ_ERR_ERRNO.rawValue { return String(cString: strerror(errno)) }
        if code == MOSQ_ERR_KEEPALIVE.rawValue { return "no answer from the broker within the keepalive" }
        return String(cString: mosquitto_strerror(code))
    }

    /// Starts connecting without waiting (the TCP handshake and CONNACK arrive through `read`/`write`).
    /// Host name resolution does block: use an address or a name the resolver answers quickly.
    func connect(host: String, port: Int, keepalive: Int) throws(MQTTError) {
        try check(mosquitto_connect_async(handle, host, Int32(port), Int32(keepalive)), "connect to \(host):\(port)")
    }

    func disconnect() { _ = mosquitto_disconnect(handle) }

    var socket: Int32 { mosquitto_socket(handle) }
    var wantsWrite: Bool { mosquitto_want_write(handle) }

    /// Returns the message id, or nil with the reason when the library refused it (not connected, too large).
    func publish(topic: String, payload: [UInt8], qos: Int32, retain: Bool) -> Result<Int32, MQTTError> {
        var messageID: Int32 = 0
        let code = payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle, &messageID, topic, Int32(bytes.count), bytes.baseAddress, qos, retain)
        }
        guard code == MOSQ_ERR_SUCCESS.rawValue else { return .failure(MQTTError("publish \(topic): \(Self.describe(code))")) }
        return .success(messageID)
    }

    func subscribe(_ pattern: String, qos: Int32) {
        _ = mosquitto_subscribe(handle, nil, pattern, qos)
    }

    /// A code from `read`/`write` that means the connection failed (a refused or reset connection, a TLS error):
    /// not success, not "would block", not "no connection yet".
    static let success = MOSQ_ERR_SUCCESS.rawValue

    static func isFailure(_ code: Int32) -> Bool {
        guard code > 0, code != MOSQ_ERR_NO_CONN.rawValue else { return false }
        return !(code == MOSQ_ERR_ERRNO.rawValue && (errno == EAGAIN || errno == EWOULDBLOCK))
    }

    /// Each returns libmosquitto's code: anything but success means the connection is gone.
    func read() -> Int32 { mosquitto_loop_read(handle, 1) }
    func write() -> Int32 { mosquitto_loop_write(handle, 1) }
    func housekeeping() -> Int32 { mosquitto_loop_misc(handle) }

    func takeEvents() -> [Event] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }
}

public struct MQTTError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
