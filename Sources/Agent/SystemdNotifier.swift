import CSystemd

/// `sd_notify` for `Type=notify` units: READY=1, STATUS=, WATCHDOG=1. Without `$NOTIFY_SOCKET` every call is a no-op.
struct SystemdNotifier {
    /// Half of `WatchdogSec=`, the interval systemd asks keep-alives to come at; `nil` without a watchdog.
    let watchdogInterval: Double?

    init() {
        var microseconds: UInt64 = 0
        watchdogInterval = sd_watchdog_enabled(0, &microseconds) > 0 ? Double(microseconds) / 2_000_000 : nil
    }

    func ready(status: String) { send("READY=1\nSTATUS=\(status)") }
    func status(_ text: String) { send("STATUS=\(text)") }
    func watchdog() { send("WATCHDOG=1") }
    func stopping() { send("STOPPING=1") }

    private func send(_ message: String) {
        // A newline inside STATUS would start a new assignment; the summary is one line by construction.
        _ = sd_notify(0, message)
    }
}
