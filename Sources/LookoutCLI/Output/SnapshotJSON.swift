import LookoutJSON
import ZMShm
import ZMSite

/// `lookout dump --json`: every field under ZoneMinder's name.
enum SnapshotJSON {
    static func render(monitorID: Int, snapshot: SegmentSnapshot, context: ZoneMinderContext, now: Double) -> JSONValue {
        let choice = context.numbering(for: snapshot.layout)
        let sd = snapshot.sharedData
        var invalidUTF8: [JSONValue] = []
        func text(_ name: String, _ value: ZMString?) -> (String, JSONValue) {
            if let value, !value.isValidUTF8 { invalidUTF8.append(.string(name)) }
            return (name, .from(value?.text))
        }
        let state = choice.numbering.state(sd.state, layout: snapshot.layout)
        let heartbeat = sd.heartbeatTime ?? sd.lastWriteTime
        let age: Double? = heartbeat > 0 ? max(0, now - Double(heartbeat)) : nil

        var shared: [(String, JSONValue)] = [
            ("size", .from(sd.size)),
            ("last_write_index", .from(sd.lastWriteIndex)),
            ("last_read_index", .from(sd.lastReadIndex)),
        ]
        if let count = sd.imageCount { shared.append(("image_count", .from(count))) }
        shared += [
            ("state", .from(sd.state)),
            ("state_name", .from(state?.rawValue ?? "INVALID(\(sd.state))")),
            ("capture_fps", .from(sd.captureFPS)),
            ("analysis_fps", .from(sd.analysisFPS)),
        ]
        if snapshot.layout >= .zm137 { shared += [("latitude", .from(sd.latitude)), ("longitude", .from(sd.longitude))] }
        shared += [
            ("last_event_id", .from(sd.lastEventID)),
            ("action", .from(sd.action)),
            ("action_names", .array(ZMAction(rawValue: sd.action).names.map(JSONValue.string))),
            ("brightness", .from(sd.brightness)), ("hue", .from(sd.hue)), ("colour", .from(sd.colour)),
            ("contrast", .from(sd.contrast)), ("alarm_x", .from(sd.alarmX)), ("alarm_y", .from(sd.alarmY)),
            ("valid", .from(sd.valid)),
        ]
        if let active = sd.active { shared.append(("active", .from(active))) }
        if snapshot.layout >= .zm137 {
            shared += [("capturing", .from(sd.capturing)), ("analysing", .from(sd.analysing)), ("recording", .from(sd.recording))]
        }
        shared += [
            ("signal", .from(sd.signal)),
            ("format", .from(sd.format)),
            ("imagesize", .from(sd.imageSize)),
            ("last_frame_score", .from(sd.lastFrameScore)),
            ("audio_frequency", .from(sd.audioFrequency)),
            ("audio_channels", .from(sd.audioChannels)),
            ("startup_time", .from(sd.startupTime)),
            ("heartbeat_time", .from(sd.heartbeatTime)),
            ("last_write_time", .from(sd.lastWriteTime)),
            ("last_read_time", .from(sd.lastReadTime)),
        ]
        if snapshot.layout >= .zm137 { shared.append(("last_viewed_time", .from(sd.lastViewedTime))) }
        if snapshot.layout >= .zm138 { shared.append(("last_analysis_viewed_time", .from(sd.lastAnalysisViewedTime))) }
        shared += [
            ("control_state", .string(hex(sd.controlState))),
            text("alarm_cause", sd.alarmCause),
        ]
        if snapshot.layout >= .zm136 { shared += [text("video_fifo_path", sd.videoFifoPath), text("audio_fifo_path", sd.audioFifoPath)] }
        if snapshot.layout >= .zm137 { shared.append(text("janus_pin", sd.janusPin)) }
        if snapshot.layout == .master {
            shared += [("last_analysis_index", .from(sd.lastAnalysisIndex)), ("analysis_image_count", .from(sd.analysisImageCount))]
        }

        let td = snapshot.triggerData
        let trigger: [(String, JSONValue)] = [
            ("size", .from(td.size)),
            ("trigger_state", .from(td.triggerState)),
            ("trigger_state_name", .from(td.state?.name ?? "INVALID(\(td.triggerState))")),
            ("trigger_score", .from(td.triggerScore)),
            ("padding", .from(td.padding)),
            text("trigger_cause", td.triggerCause),
            text("trigger_text", td.triggerText),
            text("trigger_showtext", td.triggerShowtext),
        ]
        let videoStore: JSONValue = snapshot.videoStoreData.map { vs in
            .object([
                ("size", .from(vs.size)),
                ("current_event", .from(vs.currentEvent)),
                text("event_file", vs.eventFile),
                ("recording", timeval(vs.recording)),
            ])
        } ?? .null

        var root: [(String, JSONValue)] = [
            ("monitor_id", .from(monitorID)),
            ("path", .string(snapshot.path)),
            ("file_size", .from(snapshot.fileSize)),
            ("layout", .from(snapshot.layout.rawValue)),
            ("layout_versions", .string(snapshot.layout.versions)),
            ("zm_version", .from(context.version?.description)),
            ("zm_version_source", .from(context.versionSource)),
            ("state_numbering", .string(choice.numbering.rawValue)),
            ("state_numbering_reason", .string(choice.reason)),
            ("shared_data", .object(shared)),
            ("trigger_data", .object(trigger)),
            ("video_store_data", videoStore),
        ]
        if snapshot.layout.hasZoneScores { root.append(("zone_scores", snapshot.zoneScores.map { .array($0.map { .from($0) }) } ?? .null)) }
        root += [
            ("timestamps", snapshot.timestamps.map { .array($0.prefix(listedSlots).map(timeval)) } ?? .null),
            ("timestamps_omitted", .from(max(0, (snapshot.timestamps?.count ?? 0) - listedSlots))),
            ("geometry", snapshot.geometry.map(geometry) ?? .null),
            ("image_slots", snapshot.geometry.map { imageSlots($0, format: sd.format) } ?? .null),
            ("liveness", .object([
                ("heartbeat_age", .from(age)),
                ("max_delay", .double(context.maxDelay)),
                ("max_delay_source", .string(context.maxDelaySource)),
                ("stale", .bool(age.map { $0 > context.maxDelay } ?? true)),
            ])),
            ("invalid_utf8_fields", .array(invalidUTF8)),
            ("problems", .array(snapshot.problems.map(JSONValue.string))),
        ]
        return .object(root)
    }

    /// Slots listed per array in `dump`: the first ones; the rest are counted, so output stays small whatever `n` is.
    static let listedSlots = 64

    static func timeval(_ value: Timeval) -> JSONValue {
        .object([("tv_sec", .from(value.seconds)), ("tv_usec", .from(value.microseconds))])
    }

    static func geometry(_ g: SegmentGeometry) -> JSONValue {
        .object([
            ("image_buffer_count", .from(g.imageBufferCount)),
            ("image_slot_stride", .from(g.imageSlotStride)),
            ("zone_count", .from(g.zoneCount)),
            ("trigger_data_offset", .from(g.triggerDataOffset)),
            ("video_store_data_offset", .from(g.videoStoreDataOffset)),
            ("timestamps_offset", .from(g.timestampsOffset)),
            ("images_offset", .from(g.imagesOffset)),
        ])
    }

    /// Where each image slot is, how big, and its byte order: what a reader needs to copy a frame.
    static func imageSlots(_ g: SegmentGeometry, format: UInt8) -> JSONValue {
        .object([
            ("subpixel_order", .from(format)),
            ("slot_size", .from(g.imageSlotStride)),
            ("offsets", .array((0..<min(g.imageBufferCount, listedSlots)).map { .from(g.imageOffset(slot: $0)) })),
            ("offsets_omitted", .from(max(0, g.imageBufferCount - listedSlots))),
        ])
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let used = bytes.lastIndex { $0 != 0 }.map { bytes[...$0] } ?? []
        let digits = Array("0123456789abcdef")
        return String(used.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
