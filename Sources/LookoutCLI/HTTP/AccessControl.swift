/// Who may see pictures, the status page and events: anyone who reaches the (loopback unless configured) listener,
/// or, when `[http] token` or `[http] password` is set, only clients that present it. Probes and metrics stay open,
/// as load balancers and Prometheus expect. docs/security.md.
struct AccessControl {
    let token: String
    let password: String

    var isOpen: Bool { token.isEmpty && password.isEmpty }

    /// nil when allowed; otherwise the 401 to send.
    func check(_ request: HTTPRequest) -> HTTPResponse? {
        guard !isOpen else { return nil }
        let authorization = request.headers["authorization"] ?? ""
        if !token.isEmpty {
            if Self.constantTimeEqual(authorization, "Bearer \(token)") { return nil }
            if let given = request.query["token"], Self.constantTimeEqual(given, token) { return nil }
        }
        if !password.isEmpty, authorization.hasPrefix("Basic "),
           let decoded = Base64.decode(String(authorization.dropFirst(6))),
           let colon = decoded.firstIndex(of: UInt8(ascii: ":")),
           Self.constantTimeEqual(String(decoding: decoded[decoded.index(after: colon)...], as: UTF8.self), password) {
            return nil
        }
        let challenge = password.isEmpty ? "Bearer realm=\"lookout\"" : "Basic realm=\"lookout\", charset=\"UTF-8\""
        return HTTPResponse(status: 401, text: "authentication required\n", headers: [("WWW-Authenticate", challenge)])
    }

    /// Compares without stopping at the first difference, so timing does not reveal how much of a guess was right.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        var difference = UInt8(left.count == right.count ? 0 : 1)
        for index in 0..<max(left.count, right.count) {
            difference |= (index < left.count ? left[index] : 0) ^ (index < right.count ? right[index] : 0)
        }
        return difference == 0
    }
}

enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(byte - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(byte - UInt8(ascii: "a") + 26)
            case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(byte - UInt8(ascii: "0") + 52)
            case UInt8(ascii: "+"): values.append(62)
            case UInt8(ascii: "/"): values.append(63)
            case UInt8(ascii: "="): break
            default: return nil
            }
        }
        var out: [UInt8] = []
        var index = 0
        while index + 1 < values.count {
            let chunk = values[index..<min(index + 4, values.count)].map(UInt32.init)
            var bits: UInt32 = 0
            for (offset, value) in chunk.enumerated() { bits |= value << (18 - 6 * UInt32(offset)) }
            out.append(UInt8(truncatingIfNeeded: bits >> 16))
            if chunk.count > 2 { out.append(UInt8(truncatingIfNeeded: bits >> 8)) }
            if chunk.count > 3 { out.append(UInt8(truncatingIfNeeded: bits)) }
            index += 4
        }
        return out
    }
}
