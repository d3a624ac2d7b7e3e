import Glibc
import ZMShm

/// One fake zmc: a ZoneMinder 1.36.33 segment (760-byte SharedData, IDLE=1 numbering) that it keeps alive and
/// walks through IDLE → PREALARM → ALARM → ALERT → IDLE with a new event id per alarm, obeying forced alarms
/// written into its TriggerData, and, when asked, restarting like zmc does (zero, unlink, re-create).
final class SimulatedMonitor {
    let id: Int
    let path: String
    private let geometry: SegmentGeometry
    private let restartEvery: Double?
    private var base: UnsafeMutableRawPointer?
    private var writer: SharedDataWriter?
    private var random: SplitMix64
    private var phase: Phase = .idle
    private var phaseEnds: Double = 0
    private var writeIndex: Int32 = 0
    private var startedAt: Double = 0
    private var downUntil: Double?

    private enum Phase { case idle, prealarm, alarm, alert, forced }

    static let layout = SharedDataLayout.zm136
    static let numbering = StateNumbering.idleIsOne

    init(id: Int, directory: String, width: Int, height: Int, imageBufferCount: Int, restartEvery: Double?) {
        self.id = id
        self.path = "\(directory)/zm.mmap.\(id)"
        self.restartEvery = restartEvery
        self.random = SplitMix64(seed: UInt64(id) &* 0x9E37_79B9)
        let stride = width * height * 3
        let probe = SegmentGeometry(layout: Self.layout, fileSize: 0, imageBufferCount: imageBufferCount, imageSlotStride: stride, zoneCount: 0)
        geometry = SegmentGeometry(
            layout: Self.layout, fileSize: probe.expectedFileSize, imageBufferCount: imageBufferCount,
            imageSlotStride: stride, zoneCount: 0)
    }

    deinit { unmap() }

    /// Creates the segment as zmc does at start-up.
    func start(now: Double, eventIDs: EventIDSource) throws(SimulatorError) {
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o660)
        guard fd >= 0 else { throw SimulatorError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard ftruncate(fd, off_t(geometry.fileSize)) == 0 else {
            throw SimulatorError("cannot size \(path) to \(geometry.fileSize) bytes: \(String(cString: strerror(errno)))")
        }
        guard let mapped = mmap(nil, geometry.fileSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapped != MAP_FAILED else {
            throw SimulatorError("cannot map \(path): \(String(cString: strerror(errno)))")
        }
        base = mapped
        let writer = SharedDataWriter(layout: Self.layout, base: mapped)
        self.writer = writer
        writer.initialise()
        mapped.storeBytes(of: UInt32(4128), toByteOffset: geometry.videoStoreDataOffset, as: UInt32.self)
        memset(mapped + geometry.imagesOffset, 0x80, geometry.imageBufferCount * geometry.imageSlotStride)
        writer.setImageSize(UInt32(geometry.imageSlotStride))
        writer.setFormat(0)
        writer.setStartupTime(Int64(now))
        writer.setHeartbeatTime(Int64(now))
        writer.setLastWriteTime(Int64(now))
        writer.setActive(true)
        writer.setSignal(true)
        writer.setValid(true)
        startedAt = now
        enter(.idle, now: now, eventIDs: eventIDs)
    }

    /// One capture tick: a new frame, the heartbeat, and the alarm cycle.
    func tick(now: Double, eventIDs: EventIDSource) {
        if let until = downUntil {
            guard now >= until else { return }
            downUntil = nil
            try? start(now: now, eventIDs: eventIDs)
            return
        }
        guard let writer, let base else { return }
        if let restartEvery, now - startedAt >= restartEvery {
            stopLikeZMC(now: now)
            return
        }
        writeIndex = (writeIndex + 1) % Int32(geometry.imageBufferCount)
        let stamp = base + geometry.timestampsOffset + 16 * Int(writeIndex)
        stamp.storeBytes(of: Int64(now), toByteOffset: 0, as: Int64.self)
        stamp.storeBytes(of: Int64((now - now.rounded(.down)) * 1_000_000), toByteOffset: 8, as: Int64.self)
        writer.setLastWriteIndex(writeIndex)
        writer.setLastWriteTime(Int64(now))
        writer.setHeartbeatTime(Int64(now))
        writer.setFPS(capture: 10 + Double(random.next() % 100) / 1000, analysis: 10 + Double(random.next() % 100) / 1000)

        let trigger = ZMTriggerState(rawValue: writer.triggerState)
        if trigger == .on, phase != .forced {
            enter(.forced, now: now, eventIDs: eventIDs)
        } else if phase == .forced, trigger != .on {
            enter(.alert, now: now, eventIDs: eventIDs)
        } else if trigger == .off, phase != .idle {
            enter(.idle, now: now, eventIDs: eventIDs)
        } else if trigger != .off, phase != .forced, now >= phaseEnds {
            switch phase {
            case .idle: enter(.prealarm, now: now, eventIDs: eventIDs)
            case .prealarm: enter(.alarm, now: now, eventIDs: eventIDs)
            case .alarm: enter(.alert, now: now, eventIDs: eventIDs)
            case .alert, .forced: enter(.idle, now: now, eventIDs: eventIDs)
            }
        }
    }

    /// zmc's clean stop: invalid, zeroed, unlinked; back after two seconds with a new inode.
    func stopLikeZMC(now: Double) {
        if let base { memset(base, 0, geometry.fileSize) }
        unmap()
        unlink(path)
        downUntil = now + 2
    }

    func remove() {
        unmap()
        unlink(path)
    }

    private func enter(_ next: Phase, now: Double, eventIDs: EventIDSource) {
        guard let writer else { return }
        phase = next
        let state: ZMMonitorState
        switch next {
        case .idle:
            state = .idle
            phaseEnds = now + 8 + Double(random.next() % 12_000) / 1000
            writer.setLastFrameScore(0)
        case .prealarm:
            state = .prealarm
            phaseEnds = now + 1
        case .alarm, .forced:
            state = .alarm
            phaseEnds = now + 3 + Double(random.next() % 3000) / 1000
            writer.setLastEventID(eventIDs.next())
            writer.setAlarmCause(next == .forced ? writer.triggerCause : "Motion")
            writer.setLastFrameScore(next == .forced ? writer.triggerScore : UInt32(20 + random.next() % 60))
        case .alert:
            state = .alert
            phaseEnds = now + 2
        }
        writer.setState(Self.numbering.raw(state) ?? 1)
    }

    private func unmap() {
        if let base { munmap(base, geometry.fileSize) }
        base = nil
        writer = nil
    }
}

/// Deterministic pseudo-random numbers, so a demo run and a test run see the same cycle lengths.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Event ids shared by every simulated monitor, like the `Events` table's AUTO_INCREMENT.
final class EventIDSource {
    private var last: UInt64
    init(start: UInt64) { last = start }
    func next() -> UInt64 {
        last += 1
        return last
    }
}

public struct SimulatorError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
