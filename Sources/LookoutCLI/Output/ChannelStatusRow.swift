import FrameSource
import Glibc
import LookoutJSON
import TSFrameBuffer

/// One TS channel as `lookout status` shows it, read straight from its `sfb_data_ch<N>` file.
struct ChannelStatusRow {
    let channel: Int
    let path: String
    let header: SFB1Header?
    let newest: FrameMetadata?
    let error: FrameSourceError?

    static func read(channel: Int, directory: String) -> ChannelStatusRow {
        let path = (directory.hasSuffix("/") ? directory : directory + "/") + SFB1Layout.dataName(channel: channel)
        do throws(FrameSourceError) {
            let reader = try SFB1Reader(path: path)
            let header = try reader.header()
            return ChannelStatusRow(channel: channel, path: path, header: header, newest: try? reader.newestFrame(), error: nil)
        } catch {
            return ChannelStatusRow(channel: channel, path: path, header: nil, newest: nil, error: error)
        }
    }

    static func all(in directory: String) -> [ChannelStatusRow] {
        SFBDirectory.channels(in: directory).map { read(channel: $0, directory: directory) }
    }

    /// Seconds since the newest frame was captured.
    func captureAge(now: Double) -> Double? { newest.map { now - Double($0.captureNanoseconds) / 1e9 } }
    func heartbeatAge(now: Double) -> Double? { header.map { now - Double($0.heartbeatNanoseconds) / 1e9 } }

    static func table(_ rows: [ChannelStatusRow], now: Double) -> String {
        var cells = [["CHANNEL", "STATE", "SIZE", "FORMAT", "WRITE_SEQ", "LAST FRAME", "HEARTBEAT", "PRODUCER"]]
        for row in rows {
            guard let header = row.header else {
                cells.append([String(row.channel), "REFUSED", "-", "-", "-", "-", "-", "-"])
                continue
            }
            cells.append([
                String(row.channel), header.runState?.name ?? "state \(header.state)", "\(header.width)x\(header.height)",
                header.fourccText, String(header.writeSeq), row.captureAge(now: now).map { format($0) + " s ago" } ?? "none",
                row.heartbeatAge(now: now).map { format($0) + " s" } ?? "-", "pid \(header.producerPID)",
            ])
        }
        let widths = cells[0].indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        var lines = cells.map { row in
            var line = row.enumerated().map { $1 + String(repeating: " ", count: max(0, widths[$0] - $1.count)) }.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            return line
        }
        for row in rows { if let error = row.error { lines.append("channel \(row.channel): \(error.message)") } }
        return lines.joined(separator: "\n")
    }

    static func json(_ rows: [ChannelStatusRow], now: Double) -> JSONValue {
        .array(rows.map { row in
            var members: [(String, JSONValue)] = [("channel", .from(row.channel)), ("path", .string(row.path))]
            if let header = row.header {
                members += [
                    ("state", .string(header.runState?.name ?? "unknown")), ("width", .from(header.width)), ("height", .from(header.height)),
                    ("format", .string(header.fourccText)), ("write_seq", .uint(header.writeSeq)),
                    ("slot_count", .from(header.slotCount)), ("producer_pid", .from(header.producerPID)),
                    ("producer_epoch", .string(String(header.producerEpoch, radix: 16))),
                    ("last_frame_age", .from(row.captureAge(now: now).map { ($0 * 1000).rounded() / 1000 })),
                    ("heartbeat_age", .from(row.heartbeatAge(now: now).map { ($0 * 1000).rounded() / 1000 })),
                ]
            } else {
                members += [("state", .string("refused"))]
            }
            if let error = row.error {
                members.append(("error", .object([("code", .string(error.code.rawValue)), ("message", .string(error.message))])))
            }
            return .object(members)
        })
    }
}
