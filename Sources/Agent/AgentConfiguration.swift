/// Everything `lookout run` can be told. Every value has a default, so the agent runs with no file at all;
/// `AgentConfiguration+TOML.swift` maps the file's keys onto these fields.
public struct AgentConfiguration: Sendable, Equatable {
    public var agent = Polling()
    public var zoneMinder = ZoneMinder()
    public var bus = Bus()
    public var control = Control()
    public var demo = Demo()
    public var log = Log()
    public var health = Health()
    public var http = HTTP()
    public var ts = TS()
    public var relay = Relay()
    public var mqtt = MQTT()
    public var zmtrigger = ZMTrigger()

    public init() {}

    /// `lookout serve` (its own process and unit, lookout-http.service): /livez, /readyz, /metrics, /api/*.
    public struct HTTP: Sendable, Equatable {
        /// `ADDRESS:PORT`, e.g. `127.0.0.1:9781`; empty: `lookout serve` needs `--listen`.
        public var listen = ""
        /// An address other than loopback is refused unless this is set.
        public var allowRemote = false
        /// Pictures, the status page and `/api/events` need `Authorization: Bearer <token>` (or `?token=`) when set.
        public var token = ""
        /// Pictures, the status page and `/api/events` need basic auth with this password (any user) when set.
        public var password = ""
        /// Connections `lookout serve` holds at once (MJPEG and SSE clients stay connected).
        public var maxClients = 256
    }

    /// Thresholds of the verdicts in HEALTH (docs/health.md); staleness itself follows ZM_WATCH_MAX_DELAY.
    public struct Health: Sendable, Equatable {
        /// Staleness for the verdicts instead of ZM_WATCH_MAX_DELAY (nil: follow ZoneMinder, as zmwatch does).
        /// The bus's `stale` flag keeps following ZM_WATCH_MAX_DELAY.
        public var maxDelay: Double?
        /// Capture fps under this is a WARNING for the monitor; 0: no floor.
        public var captureFPSFloor = 0.0
        /// A log spool deeper than this many rows is a WARNING.
        public var logSpoolWarningRows = 1000
        /// A log spool non-empty for longer than this is a WARNING.
        public var logSpoolWarningSeconds = 300.0
    }

    public struct Polling: Sendable, Equatable {
        public var pollHz = 10.0
        public var heartbeatSeconds = 1.0
        /// Every retained topic is re-published this often, so a subscriber that missed a change heals.
        public var refreshSeconds = 10.0
        public var fpsSeconds = 5.0
        /// How often the map directory is listed for monitors that appeared or went away.
        public var discoverySeconds = 2.0
        /// How often Monitors rows (names, functions) and ZM_WATCH_MAX_DELAY are re-read from ZoneMinder's database.
        public var databaseRefreshSeconds = 60.0
        /// How long a monitor with neither a segment file nor a Monitors row is kept; nil: max(30 s, ZM_WATCH_MAX_DELAY).
        public var forgetMissingSeconds: Double?
        /// Ten seconds after start-up, ask the kernel to reclaim the code and constants only start-up ran (StartupPages).
        public var releaseStartupPages = true
    }

    public struct ZoneMinder: Sendable, Equatable {
        /// `nil`: ZM_PATH_MAP from zm.conf, else /dev/shm.
        public var mapDirectory: String?
        /// `nil`: detected from the package, Perl modules or database.
        public var version: String?
        public var configDirectory = "/etc/zm"
        public var useDatabase = true
        /// Only these monitor ids; empty: every monitor found.
        public var monitors: [Int] = []
    }

    public struct Bus: Sendable, Equatable {
        public static let defaultPublish = "ipc:///run/lookout/state.pub"
        public static let defaultControl = "ipc:///run/lookout/control"
        public var publish = Bus.defaultPublish
        /// An extra PUB endpoint such as `tcp://127.0.0.1:5680`; empty for none.
        public var tcp = ""
        /// A `tcp` endpoint on anything but loopback is refused unless this is set.
        public var allowRemoteTCP = false
        public var control = Bus.defaultControl
        public var runtimeDirectoryMode: UInt32 = 0o750
        public var socketMode: UInt32 = 0o660
        /// Group that owns the runtime directory and sockets (subscribers join it); empty: leave as created.
        public var group = ""
        /// Messages queued per subscriber before libzmq drops for that subscriber (memory bound per subscriber).
        /// nil: sized at start from what is retained (see `AgentLoop.sendHighWaterMark(configured:monitors:)`).
        public var sendHighWaterMark: Int32?
    }

    public struct Control: Sendable, Equatable {
        /// TRIGGER and ACTION requests write into ZoneMinder's shared memory; off unless enabled here.
        public var allowCommands = false
    }

    /// The agent's own logs go through ZoneMinder's logger (ZMLog): ZoneMinder decides levels and outputs.
    public struct Log: Sendable, Equatable {
        public static let defaultSocket = "/run/lookout/log.sock"
        /// `Logs.Component`, syslog ident and the log file's name (`<ZM_PATH_LOGS>/<id>.log`).
        public var id = "lookout"
        /// Where `zmlog` hands its `Logs` rows to the agent; empty: no hand-off.
        public var socket = Log.defaultSocket
    }

    public struct Demo: Sendable, Equatable {
        public var monitors = 3
        /// `nil`: a new private directory under /tmp.
        public var directory: String?
        public var restartSeconds = 60.0
    }
}
