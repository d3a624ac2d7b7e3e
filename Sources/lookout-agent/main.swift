import Agent
import Glibc

// The daemon alone: `lookout run` execs this, so the resident agent carries none of the CLI's code
// (swift-argument-parser and FoundationEssentials; docs/performance.md).
//
// Not an async main: that parks the main thread with pthread_exit, whose forced unwind reads the binary's whole
// unwind table (0.5 MiB resident for nothing). The main thread waits here instead (a detached task: top-level code
// is on the main actor, whose queue this thread never drains); the task ends the process.
let arguments = Array(CommandLine.arguments.dropFirst())
Task.detached { exit(await LookoutAgent.main(arguments: arguments)) }
while true { pause() }
