import FrameSource
import Foundation
import Testing
import TSFrameBuffer

/// `/api/channels/<N>/latest.jpg` of a TS frame buffer written by `lookout sfb-produce`: the JPEG (decoded by
/// libjpeg-turbo's `djpeg`) shows the test pattern of the frame its `X-Frame` header names, in every SFB format.
@Suite("Pictures of TS frame-buffer channels", .serialized)
struct ChannelPictureTests {
    /// Mean absolute difference per channel allowed at quality 95 (the pattern's diagonal ramps are smooth; its
    /// first 16 bytes, the stamp, are noise of a few pixels).
    static let bound = 6.0

    @Test("the JPEG is the frame named in X-Frame", arguments: [PixelFormat.i420, .nv12, .bgr24, .bgra, .grey])
    func patternMatches(format: PixelFormat) throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let width = 320, height = 180
        let producer = Process()
        producer.executableURL = URL(fileURLWithPath: Peer.lookout)
        producer.arguments = ["sfb-produce", "--channel", "5", "--dir", directory.path, "--size", "\(width)x\(height)",
                              "--format", format.rawValue, "--fps", "25"]
        try producer.run()
        defer {
            producer.terminate()
            producer.waitUntilExit()
        }
        #expect(Peer.waitUntil(timeout: 10) { FileManager.default.fileExists(atPath: directory.path + "/sfb_data_ch5") })
        let config = directory.path + "/lookout.toml"
        try "[ts]\ndir = \"\(directory.path)\"\n[zoneminder]\nmonitors = [999]\nuse_database = false\n".write(toFile: config, atomically: true, encoding: .utf8)
        let serve = try ServeProcess(config: config)
        var answer = try serve.get("/api/channels/5/latest.jpg?quality=95")
        _ = try Peer.waitUntil(timeout: 10, every: 0.1) {
            answer = try serve.get("/api/channels/5/latest.jpg?quality=95")
            return answer.status == 200
        }
        #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
        let number = try #require(answer.headers["x-frame"].flatMap { UInt64($0) }, "\(answer.headers)")
        let decoded = try Self.djpeg(answer.body, in: directory.path)
        #expect(decoded.width == width && decoded.height == height)
        let expected = Self.expectedRGB(number: number, width: width, height: height, format: format)
        let difference = zip(decoded.rgb, expected).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
        let mean = Double(difference) / Double(expected.count)
        #expect(mean < Self.bound, "\(format.rawValue) frame \(number): mean absolute difference \(mean)")
        // A neighbouring frame's pattern is clearly further away: the header names the right frame.
        let neighbour = Self.expectedRGB(number: number + 7, width: width, height: height, format: format)
        let other = Double(zip(decoded.rgb, neighbour).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(expected.count)
        #expect(other > mean * 2, "frame \(number + 7) matches as well: \(other) vs \(mean)")

        // The same picture from the command line.
        let file = directory.path + "/snapshot.jpg"
        let snapshot = try Peer.run(Peer.lookout, ["snapshot", "--channel", "5", "--sfb-dir", directory.path, "-o", file])
        #expect(snapshot.status == 0, "\(snapshot.stderr)")
        let written = try Self.djpeg(try Data(contentsOf: URL(fileURLWithPath: file)), in: directory.path)
        #expect(written.width == width && written.height == height)
    }

    /// The producer's picture of frame `number` as RGB (JFIF full-range YUV for the planar formats).
    static func expectedRGB(number: UInt64, width: Int, height: Int, format: PixelFormat) -> [UInt8] {
        let strides = format.tightStrides(width: width)
        let size = zip(strides, format.planeRows(height: height)).reduce(0) { $0 + $1.0 * $1.1 }
        var frame = [UInt8](repeating: 0, count: size)
        frame.withUnsafeMutableBytes { TestPattern.fill($0, number: number, width: width, height: height, format: format) }
        var rgb: [UInt8] = []
        rgb.reserveCapacity(width * height * 3)
        let chromaWidth = (width + 1) / 2, ySize = width * height, chromaSize = chromaWidth * ((height + 1) / 2)
        func clamp(_ value: Double) -> UInt8 { UInt8(min(255, max(0, value.rounded()))) }
        for y in 0..<height {
            for x in 0..<width {
                switch format {
                case .grey:
                    let v = frame[y * width + x]
                    rgb += [v, v, v]
                case .bgr24:
                    let at = y * strides[0] + 3 * x
                    rgb += [frame[at + 2], frame[at + 1], frame[at]]
                case .bgra:
                    let at = y * strides[0] + 4 * x
                    rgb += [frame[at + 2], frame[at + 1], frame[at]]
                case .i420, .nv12:
                    let luma = Double(frame[y * width + x])
                    let c = (y / 2) * chromaWidth + x / 2
                    let cb = Double(format == .i420 ? frame[ySize + c] : frame[ySize + 2 * c])
                    let cr = Double(format == .i420 ? frame[ySize + chromaSize + c] : frame[ySize + 2 * c + 1])
                    rgb += [clamp(luma + 1.402 * (cr - 128)), clamp(luma - 0.344136 * (cb - 128) - 0.714136 * (cr - 128)),
                            clamp(luma + 1.772 * (cb - 128))]
                }
            }
        }
        return rgb
    }

    /// Decodes with libjpeg-turbo's djpeg to PNM and returns RGB (grey expanded).
    static func djpeg(_ jpeg: Data, in directory: String) throws -> (width: Int, height: Int, rgb: [UInt8]) {
        let input = directory + "/picture.jpg", output = directory + "/picture.pnm"
        try jpeg.write(to: URL(fileURLWithPath: input))
        let run = try Peer.run("/usr/bin/djpeg", ["-pnm", "-outfile", output, input])
        try #require(run.status == 0, "djpeg: \(run.stderr)")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
        // "P5|P6\nW H\n255\n" then samples.
        var fields: [String] = [], index = 0, current = ""
        while fields.count < 4, index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == 0x20 || byte == 0x0A { if !current.isEmpty { fields.append(current); current = "" } } else { current.append(Character(UnicodeScalar(byte))) }
        }
        let width = Int(fields[1]) ?? 0, height = Int(fields[2]) ?? 0
        let samples = Array(bytes[index...])
        let rgb = fields[0] == "P5" ? samples.flatMap { [$0, $0, $0] } : samples
        return (width, height, rgb)
    }
}
