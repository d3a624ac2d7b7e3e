import ArgumentParser
import Glibc
import Pictures
import TSFrameBuffer
import ZMSite

/// `lookout snapshot <id> -o FILE`: the newest image of a monitor as JPEG, read from shared memory (the replacement
/// for `zmu -m N -i`, without a database round trip per picture or a zmu process of its own).
struct Snapshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a monitor's (or a TS channel's) newest image as JPEG (like `zmu -m N -i`, from shared memory).",
        discussion: """
            Width and height come from ZoneMinder's Monitors row; give --size without a database.
            Examples:
              lookout snapshot 1 -o monitor1.jpg
              lookout snapshot 3 -o - --height 120 --timestamp > thumb.jpg
              lookout snapshot --channel 2 -o channel2.jpg     (TS frame buffer sfb_data_ch2)
            Exit status: 0; 1 when there is no image yet or the segment cannot be read.
            """)

    @Argument(help: "Monitor id.") var monitor: MonitorID?
    @Option(help: "A TS frame-buffer channel instead of a monitor (reads sfb_data_ch<N> in --sfb-dir).") var channel: Int?
    @Option(help: "Where sfb_data_ch<N> files are.") var sfbDir = "/dev/shm"
    @Option(name: .shortAndLong, help: "File to write ('-': standard output).") var output: String
    @Option(help: "Height of the picture in pixels, keeping the aspect ratio (never enlarged).") var height: Int?
    @Option(help: "JPEG quality, 1 to 100.") var quality = PictureRequest.defaultQuality
    @Flag(help: "Draw the capture time in the top-left corner.") var timestamp = false
    @Option(help: "WIDTHxHEIGHT of the monitor's images, when ZoneMinder's database is not used.") var size: String?
    @OptionGroup var segments: SegmentOptions

    func validate() throws {
        guard (monitor == nil) != (channel == nil) else { throw ValidationError("give a monitor id or --channel N, not both") }
        if let channel, channel < 0 { throw ValidationError("--channel must be 0 or more") }
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be 1 to 100") }
        if let height, !(1...Frame.maximumSide).contains(height) { throw ValidationError("--height must be 1 to \(Frame.maximumSide)") }
        if let size, Self.parseSize(size) == nil { throw ValidationError("--size '\(size)' is not WIDTHxHEIGHT, e.g. 640x480") }
    }

    static func parseSize(_ text: String) -> (width: Int, height: Int)? {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
              (1...Frame.maximumSide).contains(width), (1...Frame.maximumSide).contains(height) else { return nil }
        return (width, height)
    }

    func run() throws {
        let source: any PictureSource
        let what: String
        if let channel {
            source = ChannelSource(channel: channel, path: "\(sfbDir)/\(SFB1Layout.dataName(channel: channel))")
            what = "channel \(channel)"
        } else {
            let id = monitor?.value ?? 0
            var options = segments.contextOptions(database: size == nil)
            options.detectVersion = false
            let context = ZoneMinderContext.resolve(options)
            source = ZoneMinderSource(monitorID: id, name: "", path: context.segmentPath(id),
                                      frameSize: size.flatMap(Self.parseSize) ?? context.frameSize(id), owners: context.segmentOwners)
            what = "monitor \(id)"
        }
        let picture: Picture
        do {
            guard case let .picture(made) = try SharedEncoder(source: source)
                .picture(PictureRequest(height: height, quality: quality, timestamp: timestamp)) else {
                throw CLIError("\(what): no picture")
            }
            picture = made
        } catch let error as PictureError {
            throw CLIError("\(what): \(error.message)")
        }
        try Self.write(picture.jpeg, to: output)
    }

    /// Writes through a temporary file renamed into place, so a reader never sees half a JPEG.
    static func write(_ bytes: [UInt8], to path: String) throws {
        if path == "-" {
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { Glibc.write(1, $0.baseAddress! + offset, $0.count - offset) }
                guard written > 0 else { throw CLIError("cannot write to standard output: \(String(cString: strerror(errno)))") }
                offset += written
            }
            return
        }
        let temporary = path + ".tmp-\(getpid())"
        guard let file = fopen(temporary, "wx") else { throw CLIError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == bytes.count, fclose(file) == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CLIError("cannot write \(path): \(reason)")
        }
    }
}
