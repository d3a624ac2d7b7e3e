import FrameSource
import Glibc
import Logging
import TSFrameBuffer

/// `--demo`'s two TS channels: `lookout sfb-produce`'s producer on threads, writing into `<demo dir>/sfb`.
final class DemoChannels: Sendable {
    let producers: [SFBProducer]

    init(producers: [SFBProducer]) { self.producers = producers }

    static let shapes: [(channel: Int, width: Int, height: Int, format: PixelFormat, fps: Double)] = [
        (1, 640, 360, .i420, 10), (2, 320, 240, .bgr24, 5),
    ]

    /// Starts the producers and points `ts.dir` at their directory; nil (and a warning) if it cannot be made.
    static func start(in demoDirectory: String, configuration: inout AgentConfiguration, logger: Logger) -> DemoChannels? {
        let directory = demoDirectory + "/sfb"
        guard mkdir(directory, 0o700) == 0 || errno == EEXIST else {
            logger.warning("demo: no TS channels, cannot create \(directory): \(String(cString: strerror(errno)))")
            return nil
        }
        configuration.ts.directory = directory
        configuration.ts.discover = true
        let producers = shapes.map { shape in
            SFBProducer(.init(
                path: directory + "/" + SFB1Layout.dataName(channel: shape.channel), width: shape.width, height: shape.height,
                format: shape.format, fps: shape.fps, slots: 4))
        }
        for (producer, shape) in zip(producers, shapes) { producer.start(name: "lookout-sfb\(shape.channel)") }
        logger.notice("demo: producing TS channels 1 (640x360 I420, 10 fps) and 2 (320x240 BGR3, 5 fps) in \(directory)")
        return DemoChannels(producers: producers)
    }

    func stop() { producers.forEach { $0.stop() } }
}
