import Logging
import ZMTrigger
import ZeroMQ

extension LookoutAgent {
    /// `[zmtrigger] listen`: the zmtrigger.pl-compatible listener on its own thread, sending its requests to this
    /// agent's control socket. A port that cannot be taken stops the start, as a bus endpoint would.
    static func startZMTrigger(_ configuration: AgentConfiguration, zmq: ZMQContext, logger: Logger) throws(AgentStartError) -> ZMTriggerListener? {
        let options = configuration.zmtrigger
        guard !options.listen.isEmpty, let address = HTTPListenAddress(options.listen) else { return nil }
        var settings = ZMTriggerListener.Settings(
            address: address.address, port: address.port, controlEndpoint: configuration.bus.control, publishEndpoint: configuration.bus.publish)
        settings.maximumConnections = options.maxConnections
        settings.idleSeconds = options.idleSeconds
        settings.maximumLineBytes = options.maxLineBytes
        let listener: ZMTriggerListener
        do {
            listener = try ZMTriggerListener(settings, zmq: zmq, logger: logger)
        } catch {
            throw AgentStartError("zmtrigger.listen \(options.listen): \(error)")
        }
        listener.start()
        logger.info("zmtrigger-compatible listener on \(address) (docs/zmtrigger.md)")
        return listener
    }
}
