// lookout-bench: decode cost per monitor, ours against pyzm 2.5.6 and Perl ZoneMinder::Memory,
// measured side by side on the same segments in one run. Build and run in release:
//   swift build -c release --product lookout-bench && .build/release/lookout-bench --python .venv-bench/bin/python
import Foundation
import ZMShm

struct Options {
    var mapDirectory = "/dev/shm"
    var iterations = 2_000_000
    var peerIterations = 20_000
    var python = "python3"
    var perl = "/usr/bin/perl"

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            let value = rest.popFirst() ?? ""
            switch flag {
            case "--map-dir": mapDirectory = value
            case "--iterations": iterations = Int(value) ?? iterations
            case "--peer-iterations": peerIterations = Int(value) ?? peerIterations
            case "--python": python = value
            case "--perl": perl = value
            default: fatalError("unknown option \(flag); see the comment at the top of main.swift")
            }
        }
    }
}

func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// Runs `body` `iterations` times over the segments round-robin; returns the median of 5 runs in ns per call.
func measure(_ iterations: Int, _ body: (Int) -> UInt64) -> (nanoseconds: Double, checksum: UInt64) {
    var runs: [Double] = []
    var checksum: UInt64 = 0
    for _ in 0..<5 {
        let start = monotonicNanoseconds()
        for index in 0..<iterations { checksum &+= body(index) }
        runs.append(Double(monotonicNanoseconds() - start) / Double(iterations))
    }
    return (runs.sorted()[2], checksum)
}

func runTool(_ executable: String, _ arguments: [String]) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.standardError
    do { try process.run() } catch { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

let options = Options(CommandLine.arguments)
let ids = ((try? FileManager.default.contentsOfDirectory(atPath: options.mapDirectory)) ?? [])
    .filter { $0.hasPrefix("zm.mmap.") }.compactMap { Int($0.dropFirst(8)) }.sorted()
let segments = ids.compactMap { try? ZMSegment(path: "\(options.mapDirectory)/zm.mmap.\($0)") }
guard !segments.isEmpty else {
    print("no readable zm.mmap.<id> in \(options.mapDirectory); start ZoneMinder or scripts/zm-peer-up.sh")
    exit(1)
}
let usable = zip(ids, segments).map { $0 }
let layouts = Set(segments.map(\.layout.rawValue)).sorted().map(String.init).joined(separator: ", ")
print("segments: \(usable.map { "zm.mmap.\($0.0)" }.joined(separator: " ")) in \(options.mapDirectory) (layout \(layouts))")
print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; our loops: \(options.iterations) calls x 5 runs (median); peers: \(options.peerIterations) calls")

let count = segments.count
let status = measure(options.iterations) { index in
    (try? segments[index % count].status()).map { $0.lastEventID &+ UInt64($0.rawState) } ?? 0
}
let snapshot = measure(options.iterations / 20) { index in
    (try? segments[index % count].snapshot()).map { $0.sharedData.lastEventID &+ UInt64($0.triggerData.triggerState) } ?? 0
}
let followers = ids.map { SegmentFollower(path: "\(options.mapDirectory)/zm.mmap.\($0)") }
let follow = measure(options.iterations / 20) { index in
    followers[index % count].poll().status?.lastEventID ?? 0
}

let pythonScript = """
    import sys, time
    from pyzm.zm.shm import SharedMemory
    d, n, ids = sys.argv[1], int(sys.argv[2]), [int(x) for x in sys.argv[3:]]
    mems = [SharedMemory(i, shm_path=d) for i in ids]
    best = None
    for _ in range(3):
        t = time.perf_counter_ns()
        for k in range(n):
            mems[k % len(mems)].get()
        ns = (time.perf_counter_ns() - t) / n
        best = ns if best is None else min(best, ns)
    print(best)
    """
let perlScript = """
    use Time::HiRes qw(clock_gettime CLOCK_MONOTONIC);
    $ZoneMinder::Config::Config{ZM_PATH_MAP} = shift @ARGV;
    my $n = shift @ARGV;
    my @m = map { { Id => $_ } } @ARGV;
    zmMemVerify($_) or die "zmMemVerify failed\\n" for @m;
    my @all = map { "shared_data:$_" } qw(size last_write_index last_read_index state capture_fps analysis_fps last_event action brightness hue colour contrast alarm_x alarm_y valid active signal format imagesize last_frame_score audio_frequency audio_channels startup_time zmc_heartbeat_time last_write_time last_read_time alarm_cause video_fifo audio_fifo);
    push @all, map { "trigger_data:$_" } qw(size trigger_state trigger_score trigger_cause trigger_text trigger_showtext);
    my @state = ("shared_data:state", "shared_data:last_event", "trigger_data:trigger_cause", "trigger_data:trigger_text");
    for my $fields (\\@all, \\@state) {
      my $t = clock_gettime(CLOCK_MONOTONIC);
      for my $k (0 .. $n - 1) { my @v = zmMemRead($m[$k % @m], $fields); }
      printf "%.1f\\n", (clock_gettime(CLOCK_MONOTONIC) - $t) * 1e9 / $n;
    }
    """
let idArguments = ids.map(String.init)
let pyzm = runTool(options.python, ["-c", pythonScript, options.mapDirectory, String(options.peerIterations)] + idArguments).flatMap(Double.init)
let perlLines = runTool(options.perl, ["-MZoneMinder", "-e", perlScript, options.mapDirectory, String(options.peerIterations / 4)] + idArguments)?
    .split(separator: "\n").compactMap { Double($0) }
let perlAll = perlLines.flatMap { $0.count == 2 ? $0[0] : nil }
let perlState = perlLines.flatMap { $0.count == 2 ? $0[1] : nil }

func cell(_ value: Double?) -> String { value.map { String(format: "%.0f ns", $0) } ?? "n/a" }
func ratio(_ theirs: Double?, _ ours: Double) -> String { theirs.map { String(format: "%.0fx", $0 / ours) } ?? "n/a" }

print("")
print("| what is read per monitor | Lookout | pyzm 2.5.6 `get()` | Perl `zmMemRead` | pyzm / Lookout | Perl / Lookout |")
print("|---|---:|---:|---:|---:|---:|")
print("| poll state: `status()` (state, event, fps, heartbeat, trigger) vs Perl's 4 fields as zmeventnotification reads them | \(cell(status.nanoseconds)) | \(cell(pyzm)) | \(cell(perlState)) | \(ratio(pyzm, status.nanoseconds)) | \(ratio(perlState, status.nanoseconds)) |")
print("| every SharedData + TriggerData field: `snapshot()` | \(cell(snapshot.nanoseconds)) | \(cell(pyzm)) | \(cell(perlAll)) | \(ratio(pyzm, snapshot.nanoseconds)) | \(ratio(perlAll, snapshot.nanoseconds)) |")
print("| follower poll: stat(path) + `status()` | \(cell(follow.nanoseconds)) | | | | |")
print("")
print("target: status() <= 100 ns per monitor: \(status.nanoseconds <= 100 ? "met" : "NOT met") (\(String(format: "%.1f", status.nanoseconds)) ns)")
print("checksums (keep the optimiser honest): \(status.checksum) \(snapshot.checksum) \(follow.checksum)")
if pyzm == nil { print("pyzm not measured: run with --python PATH to a python that has pyzm==2.5.6 (scripts/bench.sh makes one)") }
if perlLines == nil { print("Perl not measured: ZoneMinder's Perl modules (package zoneminder) are needed") }
