extension AgentConfiguration {
    /// The zmtrigger.pl-compatible listener (docs/zmtrigger.md); off unless `listen` is set.
    public struct ZMTrigger: Sendable, Equatable {
        /// `ADDRESS:PORT`, e.g. `127.0.0.1:6802` (zmtrigger.pl's port); empty: no listener.
        public var listen = ""
        /// An address other than loopback is refused unless this is set (zmtrigger.pl listens on every address).
        public var allowRemote = false
        public var maxConnections = 32
        /// A client silent this long is disconnected; 0: never.
        public var idleSeconds = 600.0
        public var maxLineBytes = 1024
    }
}
