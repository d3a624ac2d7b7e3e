import FrameSource
import LookoutJSON
import TSFrameBuffer

/// The JSON bodies of `ts.channel.<N>.*` topics (documented field by field in docs/protocol.md).
enum ChannelBodies {
    static func head(_ channel: TrackedChannel, time: Double) -> [(String, JSONValue)] {
        [("channel", .from(channel.channel)), ("time", .double(MessageBodies.milliseconds(time)))]
    }

    static func state(_ channel: TrackedChannel, time: Double) -> JSONValue {
        let reading = channel.reading
        let header = reading?.header
        var members = head(channel, time: time) + [
            ("data", .string(channel.configured?.data ?? SFB1Layout.dataName(channel: channel.channel))),
            ("event", .string(channel.configured?.event ?? SFB1Layout.eventName(channel: channel.channel))),
            ("width", .from(header?.width)), ("height", .from(header?.height)), ("format", .from(header?.fourccText)),
            ("fps", .double((channel.follower.fps * 100).rounded() / 100)), ("write_seq", .from(header?.writeSeq)),
            ("frames_missed", .uint(channel.follower.framesMissed)), ("stalled", .bool(reading?.stalled ?? true)),
            ("producer_pid", .from(header?.producerPID)),
            ("producer_epoch", .from(header.map { String($0.producerEpoch, radix: 16) })),
            ("state", .string(channel.state)), ("reason", .string(channel.reason)),
            ("reopen_count", .from(channel.follower.reopenCount)), ("layout", .string("SFB1")),
        ]
        if let error = reading?.error {
            members.append(("error", .object([("code", .string(error.code.rawValue)), ("message", .string(error.message))])))
        }
        return .object(members)
    }

    static func removed(_ channel: TrackedChannel, time: Double) -> JSONValue {
        .object(head(channel, time: time) + [("state", .string("removed")), ("reason", .string("removed")), ("removed", .bool(true))])
    }

    static func health(_ channel: TrackedChannel, now: Double) -> JSONValue {
        let header = channel.reading?.header
        let ok = channel.available && channel.reading?.stalled == false
        return .object([
            ("channel", .from(channel.channel)), ("state", .string(channel.state)), ("stalled", .bool(channel.reading?.stalled ?? true)),
            ("width", .from(header?.width)), ("height", .from(header?.height)), ("format", .from(header?.fourccText)),
            ("fps", .double((channel.follower.fps * 100).rounded() / 100)), ("write_seq", .from(header?.writeSeq)),
            ("frames_missed", .uint(channel.follower.framesMissed)), ("reopen_count", .from(channel.follower.reopenCount)),
            ("error", .from(channel.reading?.error?.message)), ("error_code", .from(channel.reading?.error?.code.rawValue)),
            ("verdict", .string(ok ? "OK" : channel.available ? "WARNING" : "CRITICAL")),
            ("relay", channel.relay?.json ?? .null),
        ])
    }
}
