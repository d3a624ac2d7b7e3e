import LookoutJSON

/// Kubernetes-style probes from HEALTH: machines read the status code (200 ok, 503 not), people read the body,
/// `[+]name ok` / `[-]name reason` lines as kube-apiserver's `?verbose`.
public enum Probes {
    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var body: String
        public init(status: Int, body: String) {
            self.status = status
            self.body = body
        }
    }

    /// `/livez`: the agent answered and its poll loop is not stuck.
    public static func livez(_ health: JSONValue?, failure: String) -> Answer {
        guard let health else { return Answer(status: 503, body: "[-]agent \(failure)\nlivez check failed\n") }
        let poll = health["agent"]?.arrayValue?.first { $0["check"]?.stringValue == "poll" }
        if poll?["level"]?.stringValue == "critical" {
            return Answer(status: 503, body: "[-]poll \(poll?["reason"]?.stringValue ?? "")\nlivez check failed\n")
        }
        return Answer(status: 200, body: "[+]agent ok\n[+]poll ok\nlivez check passed\n")
    }

    /// `/readyz`: every source healthy enough to rely on: no check or monitor CRITICAL or UNKNOWN (WARNINGs are
    /// listed but pass). Each failing one is named.
    public static func readyz(_ health: JSONValue?, failure: String) -> Answer {
        guard let health else { return Answer(status: 503, body: "[-]agent \(failure)\nreadyz check failed\n") }
        var lines: [String] = []
        var failed = false
        func add(_ name: String, _ verdict: JSONValue?) {
            let level = verdict?["level"]?.stringValue ?? "unknown"
            let reason = verdict?["reason"]?.stringValue ?? "no verdict"
            switch level {
            case "ok": lines.append("[+]\(name) ok")
            case "warning": lines.append("[+]\(name) warning: \(reason)")
            default:
                failed = true
                lines.append("[-]\(name) \(level): \(reason)")
            }
        }
        for check in health["agent"]?.arrayValue ?? [] { add(check["check"]?.stringValue ?? "?", check) }
        for monitor in health["monitors"]?.arrayValue ?? [] {
            let id = monitor["monitor_id"]?.number.map { String(Int($0)) } ?? "?"
            let name = monitor["name"]?.stringValue.map { " (\($0))" } ?? ""
            add("monitor \(id)\(name)", monitor["verdict"])
        }
        lines.append(failed ? "readyz check failed" : "readyz check passed")
        return Answer(status: failed ? 503 : 200, body: lines.joined(separator: "\n") + "\n")
    }
}
