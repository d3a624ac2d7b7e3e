import Agent
import Glibc

// The daemon alone: `lookout run` execs this, so the resident agent carries none of the CLI's code
// (swift-argument-parser and FoundationEssentials; docs/performance.md).
let overrides: LookoutAgent.Overrides
do {
    overrides = try LookoutAgent.Overrides(arguments: Array(CommandLine.arguments.dropFirst()))
} catch .helpRequested {
    print(LookoutAgent.Overrides.usage)
    exit(0)
} catch {
    var message = Array("lookout-agent: \(error)\n\(LookoutAgent.Overrides.usage)\n".utf8)
    _ = message.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    exit(64)
}
// Not an async main: that parks the main thread with pthread_exit, whose forced unwind reads the binary's whole
// unwind table (0.5 MiB resident for nothing). The main thread waits here instead (a detached task: top-level code
// is on the main actor, whose queue this thread never drains); the task ends the process.
Task.detached { [overrides] in exit(await LookoutAgent.main(overrides)) }
while true { pause() }
