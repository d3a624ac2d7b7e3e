import Agent
import Glibc

/// `lookout-agent`, installed next to `lookout`: the agent without the command-line tools' code, so the
/// long-running process stays small (docs/performance.md). `lookout run` execs it; same pid, environment and
/// descriptors, so systemd's notify socket and watchdog see no difference.
enum AgentExecutable {
    static let name = "lookout-agent"

    /// Returns only when `lookout-agent` cannot be executed, after saying why on stderr; the caller then runs the
    /// agent in this process (same behaviour, more memory).
    static func replaceThisProcess(with overrides: LookoutAgent.Overrides) {
        guard let path = siblingPath() else {
            writeStandardError("lookout: cannot find this executable's path; running the agent in this process\n")
            return
        }
        let argv = ([path] + overrides.arguments).map { strdup($0) } + [nil]
        // exec keeps the calling thread's signal mask, and this is a Dispatch worker, which blocks nearly every
        // signal: lookout-agent starts with none blocked, as when systemd or a shell starts it.
        var none = sigset_t(), previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        execv(path, argv)
        let failure = errno
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        let reason = String(cString: strerror(failure))
        writeStandardError("lookout: cannot run \(path) (\(reason)); running the agent in this process\n")
    }

    private static func siblingPath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        let executable = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = executable.lastIndex(of: "/") else { return nil }
        return String(executable[...slash]) + name
    }
}
