/// Anything that can hand over its newest frame: a ZoneMinder monitor's segment, a TS frame-buffer channel.
/// `latestFrame()` is called from encoder threads and returns a private copy that is never torn.
public protocol PictureSource: AnyObject, Sendable {
    /// Route and cache key, e.g. `monitors/1` or `channels/3`.
    var key: String { get }
    /// What people call it (the Monitors row's Name), shown under grid tiles.
    var name: String { get }
    /// - Throws: `PictureError` `.noImageYet` when nothing was written yet, `.unavailable` when the source is gone.
    func latestFrame() throws(PictureError) -> Frame
}
