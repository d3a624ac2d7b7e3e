#if canImport(Glibc)
import Glibc
#endif
import SegmentFuzzing
import Synchronization

/// segment-fuzz [--count N] [--seed S] [--start I] [--dir DIR]
///
/// Runs N seeded inputs (see docs/zm-shm-reader.md, "Fuzzing"). Input I of seed S is always the same input, so
/// `--start I --count 1` replays one. A crash leaves the input in DIR/zm.mmap.1; a hang aborts (`HangWatchdog`).
struct Options {
    var count = 100_000
    var seed: UInt64 = 1
    var start: UInt64 = 0
    var directory: String?

    init(_ arguments: [String]) {
        var rest = arguments.makeIterator()
        while let flag = rest.next() {
            guard let value = rest.next() else { Self.usage("\(flag) needs a value") }
            switch flag {
            case "--count": count = Self.number(value, flag)
            case "--seed": seed = Self.number(value, flag)
            case "--start": start = Self.number(value, flag)
            case "--dir": directory = value
            default: Self.usage("unknown argument \(flag)")
            }
        }
    }

    static func number<N: FixedWidthInteger>(_ text: String, _ flag: String) -> N {
        guard let value = N(text), value >= 0 else { usage("\(flag) \(text) is not a number") }
        return value
    }

    static func usage(_ problem: String) -> Never {
        report("segment-fuzz: \(problem)\nusage: segment-fuzz [--count N] [--seed S] [--start I] [--dir DIR]")
        exit(2)
    }
}

/// A line on stderr, unbuffered: it must get out before an abort.
func report(_ line: String) {
    let text = Array((line + "\n").utf8)
    _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func seconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let directory: String = options.directory ?? {
    var template = Array("/dev/shm/segment-fuzz-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { Options.usage("cannot create a directory under /dev/shm") }
    return String(cString: made)
}()

HangWatchdog.start()

let mutator = SegmentMutator(seeds: SegmentSeeds.all())
let runner = SegmentFuzzRunner(directory: directory)
print("segment-fuzz: seed \(options.seed), inputs \(options.start)..<\(options.start + UInt64(options.count)), files in \(directory)")
let started = seconds()
var slowest = (seconds: 0.0, input: UInt64(0))
for index in options.start..<(options.start + UInt64(options.count)) {
    HangWatchdog.current.store(index, ordering: .relaxed)
    var random = FuzzRandom(seed: options.seed, input: index)
    let before = seconds()
    runner.run(mutator.input(&random))
    let took = seconds() - before
    if took > slowest.seconds { slowest = (took, index) }
    HangWatchdog.finished.add(1, ordering: .relaxed)
}
HangWatchdog.current.store(HangWatchdog.idle, ordering: .relaxed)
let elapsed = seconds() - started
unlink(runner.path)
if options.directory == nil { rmdir(directory) }
print("segment-fuzz: \(options.count) inputs in \(String(format: elapsed)) s (\(Int(Double(options.count) / elapsed)) inputs/s); finished: no crash, no hang")
print("segment-fuzz: slowest input \(slowest.input): \(String(format: slowest.seconds)) s")
print("segment-fuzz: outcomes " + runner.outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))

func String(format value: Double) -> String {
    let milli = Int((value * 1000).rounded())
    return "\(milli / 1000).\(String(repeating: "0", count: 3 - String(milli % 1000).count))\(milli % 1000)"
}
