import Foundation
import Testing
import ZMShm

/// Every decoded field against ZoneMinder's own Perl reader and the peer's independent Python decoder,
/// on the same frozen bytes of the live segments.
@Suite("Decoding equals ZoneMinder's own readers on real zmc segments")
struct OracleTests {
    static let perlFields: [(perl: String, ours: @Sendable (SharedData) -> String)] = [
        ("size", { "\($0.size)" }), ("last_write_index", { "\($0.lastWriteIndex)" }),
        ("last_read_index", { "\($0.lastReadIndex)" }), ("state", { "\($0.state)" }),
        ("capture_fps", { g17($0.captureFPS!) }), ("analysis_fps", { g17($0.analysisFPS!) }),
        ("last_event", { "\($0.lastEventID)" }), ("action", { "\($0.action)" }),
        ("brightness", { "\($0.brightness)" }), ("hue", { "\($0.hue)" }), ("colour", { "\($0.colour)" }),
        ("contrast", { "\($0.contrast)" }), ("alarm_x", { "\($0.alarmX)" }), ("alarm_y", { "\($0.alarmY)" }),
        ("valid", { "\($0.valid)" }), ("active", { "\($0.active!)" }), ("signal", { "\($0.signal)" }),
        ("format", { "\($0.format)" }), ("imagesize", { "\($0.imageSize)" }),
        ("last_frame_score", { "\($0.lastFrameScore!)" }), ("audio_frequency", { "\($0.audioFrequency!)" }),
        ("audio_channels", { "\($0.audioChannels!)" }), ("startup_time", { "\($0.startupTime)" }),
        ("zmc_heartbeat_time", { "\($0.heartbeatTime!)" }), ("last_write_time", { "\($0.lastWriteTime)" }),
        ("last_read_time", { "\($0.lastReadTime)" }), ("alarm_cause", { $0.alarmCause.text }),
        ("video_fifo", { $0.videoFifoPath!.text }), ("audio_fifo", { $0.audioFifoPath!.text }),
    ]
    static let perlTriggerFields: [(perl: String, ours: @Sendable (TriggerData) -> String)] = [
        ("size", { "\($0.size)" }), ("trigger_state", { "\($0.triggerState)" }),
        ("trigger_score", { "\($0.triggerScore)" }), ("padding", { "\($0.padding)" }),
        ("trigger_cause", { $0.triggerCause.text }), ("trigger_text", { $0.triggerText.text }),
        ("trigger_showtext", { $0.triggerShowtext.text }),
    ]

    static func g17(_ value: Double) -> String { String(format: "%.17g", value) }

    @Test("every SharedData and TriggerData field equals Perl ZoneMinder::Memory", arguments: [1, 2, 3])
    func matchesPerl(monitor: Int) throws {
        try Peer.require()
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        try Peer.freeze(monitor, into: dir.path)
        let snapshot = try ZMSegment(path: "\(dir.path)/zm.mmap.\(monitor)").snapshot()

        let doubles = ["capture_fps", "analysis_fps"]
        let script = """
            $ZoneMinder::Config::Config{ZM_PATH_MAP} = $ARGV[0];
            my $m = { Id => $ARGV[1] };
            zmMemVerify($m) or die "zmMemVerify failed\\n";
            for my $f (qw(\(Self.perlFields.map(\.perl).joined(separator: " ")))) {
              my $v = zmMemRead($m, "shared_data:$f");
              $v = sprintf("%.17g", $v) if grep { $_ eq $f } qw(\(doubles.joined(separator: " ")));
              print "shared_data:$f=$v\\n";
            }
            for my $f (qw(\(Self.perlTriggerFields.map(\.perl).joined(separator: " ")))) {
              print "trigger_data:$f=", zmMemRead($m, "trigger_data:$f"), "\\n";
            }
            """
        let result = try Peer.run("/usr/bin/perl", ["-MZoneMinder", "-e", script, dir.path, String(monitor)])
        #expect(result.status == 0, "perl: \(result.stderr)")
        var perl: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            perl[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        #expect(perl.count == Self.perlFields.count + Self.perlTriggerFields.count)
        for (name, ours) in Self.perlFields {
            #expect(perl["shared_data:\(name)"] == ours(snapshot.sharedData), "shared_data:\(name)")
        }
        for (name, ours) in Self.perlTriggerFields {
            #expect(perl["trigger_data:\(name)"] == ours(snapshot.triggerData), "trigger_data:\(name)")
        }
    }

    @Test("VideoStoreData, slot timestamps and the newest image equal our independent Python decoder (scripts/zm_shm_decode.py)", arguments: [1, 2, 3])
    func matchesPythonDecoder(monitor: Int) throws {
        try Peer.require()
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        try Peer.freeze(monitor, into: dir.path)
        let segment = try ZMSegment(path: "\(dir.path)/zm.mmap.\(monitor)")
        let snapshot = try segment.snapshot()
        let geometry = try #require(snapshot.geometry)
        let image = try segment.latestImage(geometry: geometry)

        // zm_shm_decode.py opens <map dir>/zm.mmap.<id> through the module's open; point it at the frozen copy.
        let script = """
            import builtins, hashlib, importlib.util, json, sys
            spec = importlib.util.spec_from_file_location("dump", sys.argv[1]); mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
            mod.open = lambda p, m="r": builtins.open(p.replace("/dev/shm", sys.argv[2]), m)
            path, size, sd, td, vs, n, ts, img_off, img = mod.read(sys.argv[3])
            print(json.dumps({"vs": [vs[0], vs[1], vs[2].split(b"\\0", 1)[0].decode(), vs[3], vs[4]], "n": n, "ts": ts,
                              "img_off": img_off, "img": hashlib.sha256(img).hexdigest() if img else None}))
            """
        let result = try Peer.run("/usr/bin/python3", ["-c", script, Peer.shmDump, dir.path, String(monitor)])
        #expect(result.status == 0, "python: \(result.stderr)")
        let decoded = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let vs = try #require(snapshot.videoStoreData)
        let pyVS = try #require(decoded["vs"] as? [Any])
        #expect(pyVS[0] as? Int == Int(vs.size))
        #expect(pyVS[1] as? Int == Int(vs.currentEvent))
        #expect(pyVS[2] as? String == vs.eventFile.text)
        #expect(pyVS[3] as? Int == Int(vs.recording.seconds) && pyVS[4] as? Int == Int(vs.recording.microseconds))
        #expect(decoded["n"] as? Int == geometry.imageBufferCount)
        #expect(decoded["img_off"] as? Int == geometry.imagesOffset)
        let pyTimestamps = try #require(decoded["ts"] as? [[Int]])
        #expect(pyTimestamps == snapshot.timestamps?.map { [Int($0.seconds), Int($0.microseconds)] })
        #expect(decoded["img"] as? String == image.map { sha256Hex($0.bytes) })
    }
}

/// SHA-256 through coreutils, so the test needs no crypto dependency.
func sha256Hex(_ bytes: [UInt8]) -> String? {
    let dir = TemporaryDirectory()
    defer { dir.cleanup() }
    let file = dir.path + "/image"
    guard (try? Data(bytes).write(to: URL(fileURLWithPath: file))) != nil,
          let out = try? Peer.run("/usr/bin/sha256sum", [file]) else { return nil }
    return out.stdout.split(separator: " ").first.map(String.init)
}
