import LookoutJSON
import FoundationEssentials
import Glibc
import ZMConfig
import ZMShm
import ZMSite

/// One monitor's line in `lookout status`.
struct StatusRow {
    var monitorID: Int
    var name: String?
    var status: MonitorStatus?
    var state: ZMMonitorState?
    var numbering: StateNumberingChoice?
    var heartbeatAge: Double?
    var stale: Bool
    var error: SegmentError?

    static func read(monitorID: Int, context: ZoneMinderContext, now: Double) -> StatusRow {
        let name = context.monitorRows[monitorID]?.name
        do {
            let segment = try context.openSegment(monitorID, extent: .header)
            let status = try segment.status()
            let choice = context.numbering(for: segment.layout)
            let age = status.heartbeatAge(now: now)
            return StatusRow(
                monitorID: monitorID, name: name, status: status, state: status.state(choice.numbering),
                numbering: choice, heartbeatAge: age, stale: age.map { $0 > context.maxDelay } ?? true, error: nil)
        } catch {
            return StatusRow(monitorID: monitorID, name: name, stale: true, error: error)
        }
    }

    static func table(_ rows: [StatusRow], context: ZoneMinderContext) -> String {
        var lines: [String] = []
        let version = context.version.map { "ZoneMinder \($0) (\(context.versionSource ?? "?"))" } ?? "ZoneMinder version unknown"
        let numberings = Set(rows.compactMap { $0.numbering?.numbering.rawValue })
        lines.append("\(version); state numbering \(numberings.sorted().joined(separator: ", ").nonEmpty ?? "n/a"); map \(context.mapDirectory); stale after \(format(context.maxDelay)) s (\(context.maxDelaySource))")
        let header = ["ID", "NAME", "STATE", "EVENT", "FPS", "HEARTBEAT", "SIGNAL", "VALID", "TRIGGER", "LAYOUT"]
        var cells: [[String]] = [header]
        for row in rows {
            guard let status = row.status else {
                cells.append([String(row.monitorID), row.name ?? "-", "NO SEGMENT", "-", "-", "-", "-", "-", "-", "-"])
                continue
            }
            let heartbeat = row.heartbeatAge.map { format($0) + " s" + (row.stale ? " STALE" : "") } ?? "never"
            let trigger = ZMTriggerState(rawValue: status.triggerState).map { $0 == .on ? "ON(\(status.triggerScore))" : $0.name } ?? "?\(status.triggerState)"
            cells.append([
                String(row.monitorID), row.name ?? "-",
                row.state?.rawValue ?? "INVALID(\(status.rawState))",
                String(status.lastEventID),
                status.captureFPS.map { fixed($0, 2) } ?? "-",
                heartbeat,
                status.signal ? "ok" : "LOST",
                status.valid ? "yes" : "NO",
                trigger,
                "\(status.layout.rawValue) (\(status.layout.versions))",
            ])
        }
        let widths = header.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        for row in cells {
            let padded = row.enumerated().map { $1 + String(repeating: " ", count: max(0, widths[$0] - $1.count)) }
            var line = padded.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            lines.append(line)
        }
        for row in rows { if let error = row.error { lines.append("monitor \(row.monitorID): \(error.message)") } }
        for note in context.notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }

    static func json(_ rows: [StatusRow], context: ZoneMinderContext) -> JSONValue {
        .object([
            ("zm_version", .from(context.version?.description)),
            ("zm_version_source", .from(context.versionSource)),
            ("map_dir", .string(context.mapDirectory)),
            ("max_delay", .double(context.maxDelay)),
            ("max_delay_source", .string(context.maxDelaySource)),
            ("monitors", .array(rows.map { row in
                var members: [(String, JSONValue)] = [("id", .from(row.monitorID)), ("name", .from(row.name))]
                if let status = row.status {
                    members += [
                        ("state", .from(status.rawState)),
                        ("state_name", .from(row.state?.rawValue)),
                        ("state_numbering", .from(row.numbering?.numbering.rawValue)),
                        ("last_event_id", .from(status.lastEventID)),
                        ("capture_fps", .from(status.captureFPS)),
                        ("analysis_fps", .from(status.analysisFPS)),
                        ("heartbeat_time", .from(status.heartbeatTime)),
                        ("heartbeat_age", .from(row.heartbeatAge)),
                        ("stale", .bool(row.stale)),
                        ("signal", .bool(status.signal)),
                        ("valid", .bool(status.valid)),
                        ("trigger_state", .from(status.triggerState)),
                        ("trigger_state_name", .from(ZMTriggerState(rawValue: status.triggerState)?.name)),
                        ("layout", .from(status.layout.rawValue)),
                    ]
                } else {
                    members += [("error", .from(row.error?.message)), ("error_code", .from(row.error?.code.rawValue))]
                }
                return .object(members)
            })),
            ("notes", .array(context.notes.map(JSONValue.string))),
        ])
    }
}

func format(_ seconds: Double) -> String { fixed(seconds, seconds < 10 ? 1 : 0) }

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
