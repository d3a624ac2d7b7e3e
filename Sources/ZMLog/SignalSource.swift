import Dispatch
internal import Glibc

/// ZoneMinder's logger signals, delivered through Dispatch (not a C handler, so the work runs as normal code):
/// SIGHUP and SIGWINCH reopen the log file at the next line, SIGUSR1/SIGUSR2 raise/lower the debug level.
///
/// `@unchecked Sendable`: a dispatch source is thread-safe (libdispatch objects are), Swift just does not say so.
final class SignalSource: @unchecked Sendable {
    private let source: any DispatchSourceSignal

    init(signal number: Int32, queue: DispatchQueue, handler: @escaping @Sendable () -> Void) {
        signal(number, SIG_IGN)  // the default action (terminate) must not run; Dispatch still sees the signal
        source = DispatchSource.makeSignalSource(signal: number, queue: queue)
        source.setEventHandler(handler: handler)
        source.resume()
    }

    func cancel() { source.cancel() }
}

extension ZMLogger {
    private static let signalQueue = DispatchQueue(label: "ZMLogger.signals")

    /// Installs ZoneMinder's logger signals for this logger: SIGHUP, SIGWINCH → `reopen()`; SIGUSR1 → level + 1;
    /// SIGUSR2 → level − 1. They are process-wide: the process must not rely on SIGHUP's default action.
    public func installSignalHandlers() {
        for number in [SIGHUP, SIGWINCH] {
            addSignalSource(SignalSource(signal: number, queue: Self.signalQueue) { [weak self] in self?.reopen() })
        }
        addSignalSource(SignalSource(signal: SIGUSR1, queue: Self.signalQueue) { [weak self] in self?.changeLevel(by: 1) })
        addSignalSource(SignalSource(signal: SIGUSR2, queue: Self.signalQueue) { [weak self] in self?.changeLevel(by: -1) })
    }
}
