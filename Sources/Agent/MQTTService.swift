import Logging
import LookoutMQTT
import LookoutVersion
import PosixThread
import ServiceLifecycle
import ZeroMQ

/// Runs the MQTT bridge on a thread of its own (libmosquitto and its sockets stay off the cooperative pool and off the
/// poll thread) and stops it on graceful shutdown, after which it has said `offline`.
struct MQTTService: Service {
    let bridge: MQTTBridge

    func run() async throws {
        let bridge = bridge
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    PosixThread.start(name: "lookout-mqtt") {
                        bridge.run()
                        continuation.resume()
                    }
                }
            } onCancel: {
                bridge.requestStop()
            }
        } onGracefulShutdown: {
            bridge.requestStop()
        }
    }
}

extension LookoutAgent {
    /// The bridge when `[mqtt]` or `--mqtt` turned it on; it follows the bus endpoints the agent bound.
    static func mqttBridge(_ configuration: AgentConfiguration, zmq: ZMQContext, logger: Logger) throws(AgentStartError) -> MQTTBridge? {
        guard configuration.mqtt.enabled else { return nil }
        var settings = try configuration.mqtt.settings(bus: configuration.bus)
        settings.version = LookoutVersion.current
        return MQTTBridge(settings: settings, zmq: zmq, logger: logger)
    }
}
