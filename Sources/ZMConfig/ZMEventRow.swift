/// The columns of ZoneMinder's `Events` table that Lookout needs.
public struct ZMEventRow: Sendable, Equatable {
    public let id: UInt64
    public let monitorId: Int
    public let cause: String
    /// `Notes`, empty when NULL.
    public let notes: String
    /// `StartDateTime` as MariaDB prints it (`2026-11-22 03:02:05`, server local time), nil when NULL.
    public let startDateTime: String?
    /// `EndDateTime`, nil while the event is still open.
    public let endDateTime: String?

    public init(
        id: UInt64, monitorId: Int, cause: String, notes: String, startDateTime: String?, endDateTime: String?
    ) {
        self.id = id
        self.monitorId = monitorId
        self.cause = cause
        self.notes = notes
        self.startDateTime = startDateTime
        self.endDateTime = endDateTime
    }
}
