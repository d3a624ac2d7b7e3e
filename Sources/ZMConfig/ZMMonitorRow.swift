/// The columns of ZoneMinder's `Monitors` table that Lookout needs, plus the monitor's zone count.
public struct ZMMonitorRow: Sendable, Equatable {
    public let id: Int
    public let name: String
    /// `Function`: None, Monitor, Modect, Record, Mocord or Nodect (ZoneMinder 1.36).
    public let function: String
    public let enabled: Bool
    public let width: Int
    public let height: Int
    /// Bytes per pixel: 1 (grey), 3 (RGB24) or 4 (RGB32).
    public let colours: Int
    /// `ImageBufferCount`: the number of image slots in the monitor's shared-memory ring.
    public let imageBufferCount: Int
    /// Rows in `Zones` with this `MonitorId`.
    public let zoneCount: Int
    /// `Capturing` (ZoneMinder 1.37+: None, Ondemand, Always); nil when the table has no such column.
    public let capturing: String?
    /// `Decoding` (ZoneMinder 1.37+: None, Ondemand, KeyFrames, KeyFrames+Ondemand, Always); nil when absent.
    public let decoding: String?
    /// `MaxFPS`; nil when NULL (no limit) or absent.
    public let maxFPS: Double?

    public init(
        id: Int, name: String, function: String, enabled: Bool, width: Int, height: Int, colours: Int,
        imageBufferCount: Int, zoneCount: Int, capturing: String? = nil, decoding: String? = nil, maxFPS: Double? = nil
    ) {
        self.id = id
        self.name = name
        self.function = function
        self.enabled = enabled
        self.width = width
        self.height = height
        self.colours = colours
        self.imageBufferCount = imageBufferCount
        self.zoneCount = zoneCount
        self.capturing = capturing
        self.decoding = decoding
        self.maxFPS = maxFPS
    }
}
