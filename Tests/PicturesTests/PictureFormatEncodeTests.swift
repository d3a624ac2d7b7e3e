import Testing
@testable import Pictures

/// Every pixel format a source can hand over encodes to the picture it holds: ZoneMinder 1.36's packed orders
/// (GREY, RGB24, BGR, RGBA and the other 32-bit orders) and the TS frame-buffer's I420 and NV12 straight from planes.
@Suite("Pixel formats encode to the picture they hold")
struct PictureFormatEncodeTests {
    /// Mean absolute difference per channel (0–255) allowed at quality 95 on the smooth test pattern: JPEG and
    /// 4:2:0 chroma lose about 1; a wrong byte order or plane offset costs tens.
    static let bound = 3.0

    @Test("each format decodes to the pattern", arguments: PictureFormat.allCases)
    func formatRoundTrip(format: PictureFormat) throws {
        let width = 96, height = 64
        let rgb = TestPictures.rgb(width: width, height: height, box: (40, 24))
        let frame = try TestPictures.frame(format, width: width, height: height, rgb: rgb)
        let jpeg = try JPEGEncoder().encode(frame, quality: 95)
        let decoded = try #require(TestPictures.decode(jpeg))
        #expect(decoded.width == width && decoded.height == height)
        let expected = format == .grey ? TestPictures.greyRGB(rgb) : rgb
        let difference = TestPictures.meanAbsoluteDifference(decoded.rgb, expected)
        #expect(difference < Self.bound, "\(format): mean absolute difference \(difference)")
    }

    @Test("planes with padded strides and odd sizes", arguments: [PictureFormat.i420, .nv12, .rgb24])
    func paddedStrides(format: PictureFormat) throws {
        let width = 33, height = 17
        let rgb = TestPictures.rgb(width: width, height: height)
        let tight = try TestPictures.frame(format, width: width, height: height, rgb: rgb)
        // Re-lay every plane with rows padded to the next 64 bytes and more, as FFmpeg and frame buffers align them.
        var bytes: [UInt8] = [], offsets: [Int] = [], strides: [Int] = []
        for (index, plane) in format.planeSizes(width: width, height: height).enumerated() {
            offsets.append(bytes.count)
            let stride = (plane.width + 64) & ~63
            strides.append(stride)
            for row in 0..<plane.height {
                let start = tight.offsets[index] + row * tight.strides[index]
                bytes += tight.bytes[start..<start + plane.width] + [UInt8](repeating: 0xEE, count: stride - plane.width)
            }
        }
        let padded = try Frame(width: width, height: height, format: format, offsets: offsets, strides: strides, bytes: bytes, timestampMicros: 1)
        let a = try #require(TestPictures.decode(try JPEGEncoder().encode(tight, quality: 95)))
        let b = try #require(TestPictures.decode(try JPEGEncoder().encode(padded, quality: 95)))
        // TurboJPEG reads a partial block's padding from the row when the stride has room, so edge pixels may differ
        // by a little; a wrong stride would shear the picture (differences in the tens).
        let difference = TestPictures.meanAbsoluteDifference(a.rgb, b.rgb)
        #expect(difference < 1, "padded strides changed the picture: \(difference)")
        #expect(TestPictures.meanAbsoluteDifference(b.rgb, rgb) < Self.bound)
    }

    @Test("a plane that does not fit is refused, not read past its end")
    func shortBuffer() {
        #expect(throws: PictureError.self) {
            try Frame(width: 64, height: 48, format: .i420, bytes: [UInt8](repeating: 0, count: 64 * 48), timestampMicros: 0)
        }
        #expect(throws: PictureError.self) {
            try Frame(width: 64, height: 48, format: .rgb24, offsets: [0], strides: [Int.max], bytes: [1, 2, 3], timestampMicros: 0)
        }
    }

    @Test("h scales keeping the aspect ratio; the box stays where it was", arguments: [PictureFormat.rgba, .i420, .nv12, .grey])
    func scaling(format: PictureFormat) throws {
        let rgb = TestPictures.rgb(width: 320, height: 240, box: (160, 120))
        let frame = try TestPictures.frame(format, width: 320, height: 240, rgb: rgb)
        let small = frame.scaled(toHeight: 120)
        #expect(small.width == 160 && small.height == 120)
        let decoded = try #require(TestPictures.decode(try JPEGEncoder().encode(small, quality: 95)))
        // The box's centre (168, 128) lands at (84, 64): bright there, dark in the opposite corner region.
        let centre = 3 * (64 * 160 + 84)
        #expect(decoded.rgb[centre] > 200)
        #expect(frame.scaled(toHeight: 480).height == 240, "pictures are never enlarged")
    }

    @Test("timestamp=1 draws the capture time in the top-left corner only")
    func timestampLabel() throws {
        let rgb = TestPictures.rgb(width: 320, height: 240)
        let frame = try TestPictures.frame(.rgb24, width: 320, height: 240, rgb: rgb, micros: 1_796_000_000_000_000)
        let labelled = frame.withTimestamp()
        let changedRows = (0..<240).filter { y in labelled.bytes[(y * 320) * 3..<(y * 320 + 320) * 3] != frame.bytes[(y * 320) * 3..<(y * 320 + 320) * 3] }
        #expect(changedRows == Array(0..<11), "label rows: \(changedRows)")
        // White glyph pixels inside a black box.
        let box = labelled.bytes[0..<(11 * 320 * 3)]
        #expect(box.contains(255) && box.contains(0))
    }
}
