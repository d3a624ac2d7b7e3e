internal import CZMLog
internal import Glibc
internal import PosixThread
import Synchronization

/// ZoneMinder's logger signals: SIGHUP and SIGWINCH reopen the log file at the next line, SIGUSR1/SIGUSR2 raise and
/// lower the debug level.
///
/// The C handler (CZMLog) only writes the signal number to a pipe; one thread reads the pipe and calls the loggers,
/// so the work runs as ordinary code. (Dispatch signal sources are not used: on Linux they rely on a signalfd and on
/// the signal being blocked in every thread, which a process with other threads cannot promise.)
enum LoggerSignals {
    private final class Registry: Sendable {
        let loggers = Mutex<[ObjectIdentifier: WeakLogger]>([:])
        let started = Mutex<Set<Int32>>([])
    }

    private struct WeakLogger: @unchecked Sendable {
        // @unchecked: a weak reference to a Sendable class, only read under the registry's lock.
        weak var logger: ZMLogger?
    }

    private static let registry = Registry()
    private static let watcher: Int32 = {
        let fd = czmlog_signal_pipe()
        if fd >= 0 { PosixThread.start(name: "zmlog-signals") { watch(fd) } }
        return fd
    }()

    static let numbers = [SIGHUP, SIGWINCH, SIGUSR1, SIGUSR2]

    static func register(_ logger: ZMLogger) {
        guard watcher >= 0 else { return }
        registry.loggers.withLock { $0[ObjectIdentifier(logger)] = WeakLogger(logger: logger) }
        catchAll()
    }

    /// Installs the handler for each signal not yet caught; until a logger registers, the watcher ignores them.
    static func catchAll() {
        guard watcher >= 0 else { return }
        registry.started.withLock { started in
            for number in numbers where !started.contains(number) {
                if czmlog_signal_catch(number) == 0 { started.insert(number) }
            }
        }
    }

    static func unregister(_ logger: ZMLogger) {
        _ = registry.loggers.withLock { $0.removeValue(forKey: ObjectIdentifier(logger)) }
    }

    private static func watch(_ fd: Int32) {
        // This thread may inherit a mask that blocks them (it is often started from a Dispatch worker, and a
        // process started by a thread that blocks signals starts its main thread so too). Unblocked here, a
        // process-directed signal always has a thread to land on, and the handler runs on this idle one.
        var handled = sigset_t()
        sigemptyset(&handled)
        for number in numbers { sigaddset(&handled, number) }
        pthread_sigmask(SIG_UNBLOCK, &handled, nil)
        var byte: UInt8 = 0
        while true {
            let count = read(fd, &byte, 1)
            if count < 0, errno == EINTR { continue }
            guard count == 1 else { return }
            let loggers = registry.loggers.withLock { $0.values.compactMap(\.logger) }
            for logger in loggers {
                switch Int32(byte) {
                case SIGHUP, SIGWINCH: logger.reopen()
                case SIGUSR1: logger.changeLevel(by: 1)
                case SIGUSR2: logger.changeLevel(by: -1)
                default: break
                }
            }
        }
    }
}

extension ZMLogger {
    /// Installs ZoneMinder's logger signals for this logger: SIGHUP, SIGWINCH → `reopen()`; SIGUSR1 → level + 1;
    /// SIGUSR2 → level − 1. They are process-wide and replace the default actions (SIGHUP no longer terminates).
    public func installSignalHandlers() {
        LoggerSignals.register(self)
    }

    /// For a program whose own threads should never see the logger signals (a CLI blocked in `read` on stdin):
    /// blocks them in the calling thread — call it first in `main`, before any thread starts, so that every later
    /// thread inherits the mask — and catches them on the logger's signal thread, which alone unblocks them. From
    /// now on SIGHUP, SIGWINCH, SIGUSR1 and SIGUSR2 no longer end the process; until a logger calls
    /// `installSignalHandlers()` they are ignored.
    public static func routeSignalsToLoggerThread() {
        var blocked = sigset_t()
        sigemptyset(&blocked)
        for number in LoggerSignals.numbers { sigaddset(&blocked, number) }
        pthread_sigmask(SIG_BLOCK, &blocked, nil)
        LoggerSignals.catchAll()
    }
}
