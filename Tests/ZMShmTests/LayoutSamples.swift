import CZMLayouts
@testable import ZMShm

/// One `SharedData` per layout, filled through the C struct with values that tell every field apart.
enum LayoutSample {
    static let controlState: [UInt8] = [0x04, 0x0B, 0x03, 0xFF, 0x80]
    static let fifo = "/run/zm/video_fifo_1.h264"

    static func bytes(_ layout: SharedDataLayout, imageSize: UInt32 = 64, state: UInt32 = 3, valid: UInt8 = 1) -> [UInt8] {
        switch layout {
        case .zm134:
            var s = ZM134SharedData()
            s.size = 600; s.last_write_index = 2; s.last_read_index = 1; s.state = state
            s.last_event = 0x1_0000_04B3; s.action = 0x14
            s.brightness = -1; s.hue = -2; s.colour = -3; s.contrast = -4; s.alarm_x = 160; s.alarm_y = -1
            s.valid = valid; s.active = 1; s.signal = 1; s.format = 6; s.imagesize = imageSize; s.epadding1 = 0
            s.startup_time = 0; s.last_write_time = 1_795_312_584; s.last_read_time = 1_795_312_583
            setBytes(&s.control_state, controlState); setCString(&s.alarm_cause, "Motion: All")
            return structBytes(s)
        case .zm136:
            var s = ZM136SharedData()
            s.size = 760; s.last_write_index = 2; s.last_read_index = 1968; s.state = state
            s.capture_fps = 9.98; s.analysis_fps = 7.5; s.last_event_id = 0x1_0000_04B3; s.action = 0x14
            s.brightness = -1; s.hue = -2; s.colour = -3; s.contrast = -4; s.alarm_x = 160; s.alarm_y = -1
            s.valid = valid; s.active = 1; s.signal = 1; s.format = 8; s.imagesize = imageSize
            s.last_frame_score = 38; s.audio_frequency = 0xFFFF_FFFF; s.audio_channels = 0xFFFF_FFFF
            s.startup_time = 0; s.zmc_heartbeat_time = 1_795_312_585
            s.last_write_time = 1_795_312_584; s.last_read_time = 1_795_312_583
            setBytes(&s.control_state, controlState); setCString(&s.alarm_cause, "Motion: All")
            setCString(&s.video_fifo_path, fifo); setCString(&s.audio_fifo_path, "")
            return structBytes(s)
        case .zm13634:
            var s = ZM13634SharedData()
            s.size = 768; s.last_write_index = 2; s.last_read_index = 1968; s.image_count = 4321; s.state = state
            s.capture_fps = 9.98; s.analysis_fps = 7.5; s.last_event_id = 0x1_0000_04B3; s.action = 0x14
            s.brightness = -1; s.hue = -2; s.colour = -3; s.contrast = -4; s.alarm_x = 160; s.alarm_y = -1
            s.valid = valid; s.active = 1; s.signal = 1; s.format = 8; s.imagesize = imageSize
            s.last_frame_score = 38; s.audio_frequency = 0xFFFF_FFFF; s.audio_channels = 0xFFFF_FFFF
            s.startup_time = 0; s.zmc_heartbeat_time = 1_795_312_585
            s.last_write_time = 1_795_312_584; s.last_read_time = 1_795_312_583
            setBytes(&s.control_state, controlState); setCString(&s.alarm_cause, "Motion: All")
            setCString(&s.video_fifo_path, fifo); setCString(&s.audio_fifo_path, "")
            return structBytes(s)
        case .zm137:
            var s = ZM137SharedData()
            s.size = 864; s.last_write_index = 2; s.last_read_index = 1968; s.image_count = 4321; s.state = state
            s.capture_fps = 9.98; s.analysis_fps = 7.5; s.latitude = 59.33; s.longitude = 18.06
            s.last_event_id = 0x1_0000_04B3; s.action = 0x14
            s.brightness = -1; s.hue = -2; s.colour = -3; s.contrast = -4; s.alarm_x = 160; s.alarm_y = -1
            s.valid = valid; s.capturing = 3; s.analysing = 2; s.recording = 2; s.signal = 1; s.format = 8
            s.imagesize = imageSize; s.last_frame_score = 38; s.audio_frequency = 0xFFFF_FFFF; s.audio_channels = 0xFFFF_FFFF
            s.startup_time = 0; s.heartbeat_time = 1_795_312_585
            s.last_write_time = 1_795_312_584; s.last_read_time = 1_795_312_583; s.last_viewed_time = 1_795_312_500
            setBytes(&s.control_state, controlState); setCString(&s.alarm_cause, "Motion: All")
            setCString(&s.video_fifo_path, fifo); setCString(&s.audio_fifo_path, ""); setCString(&s.janus_pin, "1234")
            return structBytes(s)
        case .zm138:
            var s = ZM138SharedData()
            s.size = 872; s.last_write_index = 2; s.last_read_index = 1968; s.image_count = 4321; s.state = state
            s.capture_fps = 9.98; s.analysis_fps = 7.5; s.latitude = 59.33; s.longitude = 18.06
            s.last_event_id = 0x1_0000_04B3; s.action = 0x14
            s.brightness = -1; s.hue = -2; s.colour = -3; s.contrast = -4; s.alarm_x = 160; s.alarm_y = -1
            s.valid = valid; s.capturing = 3; s.analysing = 2; s.recording = 2; s.signal = 1; s.format = 8
            s.imagesize = imageSize; s.last_frame_score = 38; s.audio_frequency = 0xFFFF_FFFF; s.audio_channels = 0xFFFF_FFFF
            s.startup_time = 0; s.heartbeat_time = 1_795_312_585
            s.last_write_time = 1_795_312_584; s.last_read_time = 1_795_312_583
            s.last_viewed_time = 1_795_312_500; s.last_analysis_viewed_time = 1_795_312_501
            setBytes(&s.control_state, controlState); setCString(&s.alarm_cause, "Motion: All")
            setCString(&s.video_fifo_path, fifo); setCString(&s.audio_fifo_path, ""); setCString(&s.janus_pin, "1234")
            return structBytes(s)
        case .master:
            var s = ZMMasterSharedData()
            s.size = 888; s.last_write_index = 2; s.last_read_index = 1968; s.image_count = 4321; s.state = state
            s.capture_fps = 9.98; s.analysis_fps = 7.5; s.latitude = 59.33; s.longitude = 18.06
            s.last_event_id = 0x1_0000_04B3; s.action = 0x14
            s.brightness = -1; s.hue = -2; s.colour = -3; s.contrast = -4; s.alarm_x = 160; s.alarm_y = -1
            s.valid = valid; s.capturing = 3; s.analysing = 2; s.recording = 2; s.signal = 1; s.format = 8
            s.imagesize = imageSize; s.last_frame_score = 38; s.audio_frequency = 0xFFFF_FFFF; s.audio_channels = 0xFFFF_FFFF
            s.startup_time = 0; s.heartbeat_time = 1_795_312_585
            s.last_write_time = 1_795_312_584; s.last_read_time = 1_795_312_583
            s.last_viewed_time = 1_795_312_500; s.last_analysis_viewed_time = 1_795_312_501
            setBytes(&s.control_state, controlState); setCString(&s.alarm_cause, "Motion: All")
            setCString(&s.video_fifo_path, fifo); setCString(&s.audio_fifo_path, ""); setCString(&s.janus_pin, "1234")
            s.last_analysis_index = 1; s.analysis_image_count = 77
            return structBytes(s)
        }
    }

    /// What the decoder must report for `bytes(layout)`.
    static func expected(_ layout: SharedDataLayout, imageSize: UInt32 = 64) -> SharedData {
        let modern = layout >= .zm137
        let has136 = layout >= .zm136
        return SharedData(
            size: layout.rawValue, lastWriteIndex: 2, lastReadIndex: layout == .zm134 ? 1 : 1968,
            imageCount: layout >= .zm13634 ? 4321 : nil, state: 3,
            captureFPS: has136 ? 9.98 : nil, analysisFPS: has136 ? 7.5 : nil,
            latitude: modern ? 59.33 : nil, longitude: modern ? 18.06 : nil,
            lastEventID: 0x1_0000_04B3, action: 0x14,
            brightness: -1, hue: -2, colour: -3, contrast: -4, alarmX: 160, alarmY: -1,
            valid: 1, active: modern ? nil : 1,
            capturing: modern ? 3 : nil, analysing: modern ? 2 : nil, recording: modern ? 2 : nil,
            signal: 1, format: layout == .zm134 ? 6 : 8, imageSize: imageSize,
            lastFrameScore: has136 ? 38 : nil,
            audioFrequency: has136 ? 0xFFFF_FFFF : nil, audioChannels: has136 ? 0xFFFF_FFFF : nil,
            startupTime: 0, heartbeatTime: has136 ? 1_795_312_585 : nil,
            lastWriteTime: 1_795_312_584, lastReadTime: 1_795_312_583,
            lastViewedTime: modern ? 1_795_312_500 : nil,
            lastAnalysisViewedTime: layout >= .zm138 ? 1_795_312_501 : nil,
            controlState: controlState + [UInt8](repeating: 0, count: 256 - controlState.count),
            alarmCause: ZMString("Motion: All"),
            videoFifoPath: has136 ? ZMString(fifo) : nil, audioFifoPath: has136 ? ZMString("") : nil,
            janusPin: modern ? ZMString("1234") : nil,
            lastAnalysisIndex: layout == .master ? 1 : nil, analysisImageCount: layout == .master ? 77 : nil)
    }

    static func fixture(_ layout: SharedDataLayout, imageSize: Int = 64, zones: [Int32] = [], state: UInt32 = 3, valid: UInt8 = 1) -> SegmentFixture {
        var fixture = SegmentFixture(
            layout: layout, sharedData: bytes(layout, imageSize: UInt32(imageSize), state: state, valid: valid))
        fixture.imageSize = imageSize
        fixture.zoneScores = zones
        if layout == .master { fixture.slotStride = ((4 * 4 + 31) & ~31) * 4 }  // a 4×4 frame
        return fixture
    }
}
