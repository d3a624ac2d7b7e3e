import CZeroMQ

public enum ZMQSocketType: Sendable {
    case pub, xpub, sub, router, dealer, req, rep

    var raw: Int32 {
        switch self {
        case .pub: ZMQ_PUB
        case .xpub: ZMQ_XPUB
        case .sub: ZMQ_SUB
        case .router: ZMQ_ROUTER
        case .dealer: ZMQ_DEALER
        case .req: ZMQ_REQ
        case .rep: ZMQ_REP
        }
    }
}
