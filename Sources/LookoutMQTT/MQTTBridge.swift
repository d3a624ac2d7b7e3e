import Glibc
import Logging
import LookoutJSON
import Synchronization
import ZeroMQ

/// Follows the agent's own bus (a SUB socket and SNAPSHOT requests, the documented clone pattern) and mirrors it to an
/// MQTT broker; forwards commands from MQTT as TRIGGER requests to the control socket. Runs on a thread of its own,
/// so neither a slow broker nor a dead one can touch the poll loop: all the loop does is publish on its bus.
public final class MQTTBridge: @unchecked Sendable {
    public let status: MQTTBridgeStatus
    let settings: MQTTSettings
    let logger: Logger
    private let zmq: ZMQContext
    private let stopRequested = Atomic<Bool>(false)

    // Everything below belongs to the bridge's thread.
    var outbox: MQTTOutbox
    var client: MosquittoClient?
    var connected = false
    var connectDeadline = 0.0
    var nextConnectAt = 0.0
    var backoff = 1.0
    var inflight: [Int32: MQTTOutbox.Message] = [:]
    var inflightBytes = 0
    var follower = BusFollower()
    var discovered: [String: String?] = [:]
    let clock = BridgeClock()

    static let inflightByteLimit = 256 * 1024
    static let inflightCountLimit = 1000
    static let maximumBackoff = 60.0

    public init(settings: MQTTSettings, zmq: ZMQContext, logger: Logger) {
        self.settings = settings
        self.zmq = zmq
        self.logger = logger
        status = MQTTBridgeStatus(broker: "\(settings.tls ? "mqtts" : "mqtt")://\(settings.host):\(settings.port)", node: settings.node)
        outbox = MQTTOutbox(eventLimit: settings.queueBytes, retainedLimit: settings.retainedBytes)
    }

    /// Loads libmosquitto now, which sets OpenSSL up in full: call before anything loads MariaDB Connector/C when the
    /// broker is reached over TLS (CMosquittoLoader explains why). A failure is reported again when the bridge starts.
    public static func prepareTLS() { try? MosquittoClient.load(tls: true) }

    public func requestStop() { stopRequested.store(true, ordering: .releasing) }

    /// Runs until `requestStop()`; publishes `offline` on the way out (a clean disconnect sends no will).
    public func run() {
        do {
            try MosquittoClient.load(tls: settings.tls)
        } catch {
            status.update { $0.lastError = error.description }
            logger.error("MQTT bridge off: \(error)")
            return
        }
        let bus: BusSockets
        do {
            bus = try BusSockets(zmq: zmq, publish: settings.busPublish, control: settings.busControl)
        } catch {
            status.update { $0.lastError = "bus: \(error)" }
            logger.error("MQTT bridge off: cannot follow the bus: \(error)")
            return
        }
        logger.info("MQTT bridge to \(status.current.broker) as node \(settings.node)")
        while !stopRequested.load(ordering: .acquiring) {
            let now = clock.now
            if client == nil, now >= nextConnectAt { startConnecting(now: now) }
            if let client, !connected, now >= connectDeadline {
                lose(client, reason: "no CONNACK within \(settings.keepalive) s", now: now)
            }
            var watched: [(descriptor: Int32, write: Bool)] = []
            if let client, client.socket >= 0 { watched.append((client.socket, client.wantsWrite)) }
            // While a TLS connection is being made, libmosquitto is stepped every 10 ms whatever the socket says: its
            // handshake can wait on bytes OpenSSL already holds, which poll cannot see.
            let connecting = settings.tls && client != nil && !connected
            let ready = (try? ZMQPoll.wait(
                [bus.subscriber, bus.control], descriptors: watched, timeoutMilliseconds: connecting ? 10 : 100))
                ?? (sockets: [false, false], descriptors: [])
            let socketReady = ready.descriptors.first ?? ZMQPoll.DescriptorReady(readable: false, writable: false)
            if let client {
                var code = MosquittoClient.success
                if connecting || socketReady.readable { code = client.read() }
                if connecting || socketReady.writable, !MosquittoClient.isFailure(code) { code = client.write() }
                _ = client.housekeeping()
                handleClientEvents(client, bus: bus, now: clock.now)
                // A connection that failed before CONNACK (refused, TLS) reports no disconnect: retry now, not after the keepalive.
                if MosquittoClient.isFailure(code), client === self.client {
                    lose(client, reason: "connection failed: \(MosquittoClient.describe(code))", now: clock.now)
                }
            }
            if ready.sockets[0] { receiveBus(bus) }
            if ready.sockets[1] { receiveReplies(bus) }
            followerHousekeeping(bus)
            pump()
            publishStatus()
        }
        shutDown()
        bus.close()
    }

    private func startConnecting(now: Double) {
        do {
            let client = try MosquittoClient(settings)
            try client.connect(host: settings.host, port: settings.port, keepalive: settings.keepalive)
            self.client = client
            connectDeadline = now + Double(settings.keepalive)
        } catch {
            failAttempt("\(error)", now: now)
        }
    }

    private func failAttempt(_ reason: String, now: Double) {
        status.update {
            $0.disconnects += 1
            $0.lastError = reason
        }
        logger.warning("MQTT: \(reason); retrying in \(Int(backoff)) s")
        nextConnectAt = now + backoff
        backoff = min(backoff * 2, Self.maximumBackoff)
    }

    /// The connection is gone (or never came): events in flight go back in front of the queue, the client is
    /// dropped, and a new one is made after the back-off. Retained topics are all re-sent on the next connect.
    func lose(_ lost: MosquittoClient, reason: String, now: Double) {
        guard lost === client else { return }
        let wasConnected = connected
        client = nil
        connected = false
        let events = inflight.sorted { $0.key < $1.key }.map(\.value).filter { !$0.retained }
        outbox.requeueFront(events)
        inflight.removeAll()
        inflightBytes = 0
        status.update { $0.connected = false }
        if wasConnected { backoff = 1 }
        failAttempt(reason, now: now)
    }

    private func handleClientEvents(_ client: MosquittoClient, bus: BusSockets, now: Double) {
        for event in client.takeEvents() {
            guard client === self.client else { return }
            switch event {
            case let .connected(code):
                guard code == 0 else {
                    lose(client, reason: "the broker refused the connection: \(Self.connackReason(code))", now: now)
                    return
                }
                didConnect(client)
            case let .disconnected(code):
                lose(client, reason: "connection lost: \(MosquittoClient.describe(code))", now: now)
                return
            case let .published(messageID):
                guard let message = inflight.removeValue(forKey: messageID) else { continue }
                inflightBytes -= message.bytes
                status.update { $0.published += 1 }
            case let .message(topic, payload):
                handleIncoming(topic: topic, payload: payload, bus: bus)
            }
        }
    }

    private func didConnect(_ client: MosquittoClient) {
        connected = true
        backoff = 1
        status.update {
            $0.connected = true
            $0.connects += 1
        }
        logger.info("MQTT: connected to \(status.current.broker)")
        if case let .success(id) = client.publish(topic: settings.availabilityTopic, payload: Array("online".utf8), qos: 1, retain: true) {
            track(id, MQTTOutbox.Message(topic: settings.availabilityTopic, payload: Array("online".utf8), retained: true))
        }
        client.subscribe("\(settings.topicPrefix)/monitor/+/trigger/set", qos: 1)
        if settings.discovery { client.subscribe("\(settings.discoveryPrefix)/status", qos: 1) }
        outbox.markAllRetainedDirty()
    }

    func track(_ id: Int32, _ message: MQTTOutbox.Message) {
        inflight[id] = message
        inflightBytes += message.bytes
    }

    /// Hands queued messages to libmosquitto while what it holds unacknowledged stays under its bounds: a broker that
    /// never acknowledges stops the flow here, and the queue's byte bound (with drops counted) takes over.
    private func pump() {
        guard connected, let client else { return }
        while inflightBytes < Self.inflightByteLimit, inflight.count < Self.inflightCountLimit, let message = outbox.next() {
            switch client.publish(topic: message.topic, payload: message.payload, qos: 1, retain: message.retained) {
            case let .success(id): track(id, message)
            case let .failure(error):
                status.update { $0.lastError = error.description }
                if message.retained { outbox.markAllRetainedDirty() } else { outbox.requeueFront([message]) }
                return
            }
        }
    }

    private func publishStatus() {
        let queued = outbox.eventBytes
        let events = outbox.queuedEvents
        let dropped = outbox.dropped
        let retained = outbox.retainedCount
        let refused = outbox.retainedRefused
        let inflight = inflight.count
        status.update {
            $0.queuedBytes = queued
            $0.queuedEvents = events
            $0.dropped = dropped
            $0.retainedTopics = retained
            $0.retainedRefused = refused
            $0.inflight = inflight
        }
    }

    /// On the way out: `offline`, retained, so subscribers see a stop at once rather than after the keepalive.
    private func shutDown() {
        guard connected, let client else { return }
        let payload = Array("offline".utf8)
        guard case let .success(id) = client.publish(topic: settings.availabilityTopic, payload: payload, qos: 1, retain: true) else { return }
        let deadline = clock.now + 2
        var acknowledged = false
        while !acknowledged, clock.now < deadline {
            let watched: [(descriptor: Int32, write: Bool)] = client.socket >= 0 ? [(client.socket, client.wantsWrite)] : []
            if let ready = (try? ZMQPoll.wait([], descriptors: watched, timeoutMilliseconds: 100))?.descriptors.first {
                if ready.readable { _ = client.read() }
                if ready.writable { _ = client.write() }
            }
            for event in client.takeEvents() {
                if case let .published(messageID) = event, messageID == id { acknowledged = true }
                if case .disconnected = event { return }
            }
        }
        client.disconnect()
        _ = client.write()
    }

    static func connackReason(_ code: Int32) -> String {
        switch code {
        case 1: "unacceptable protocol version"
        case 2: "client id rejected"
        case 3: "broker unavailable"
        case 4: "bad user name or password"
        case 5: "not authorised"
        default: "CONNACK code \(code)"
        }
    }
}

/// CLOCK_MONOTONIC seconds.
struct BridgeClock {
    var now: Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1_000_000_000
    }
}
