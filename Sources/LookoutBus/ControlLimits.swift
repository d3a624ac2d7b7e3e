/// The byte bounds on everything a control client can make the agent hold (docs/security.md). Each says what
/// happens at it; none makes the poll loop wait.
public struct ControlLimits: Sendable, Equatable {
    /// A larger request closes that client's connection inside libzmq (`ZMQ_MAXMSGSIZE`); TRIGGER's options,
    /// the largest request, need under 1 KiB.
    public var maximumRequestBytes = 8 * 1024
    /// Requests queued per connection before libzmq stops reading it (`ZMQ_RCVHWM`): the client's sends then
    /// block or fail on its side. Per connection: at most this × `maximumRequestBytes` (32 KiB). The agent does
    /// not bound the number of connections: the socket's group and mode, and the unit's open-file limit, do.
    public var receiveHighWaterMark: Int32 = 4
    /// Replies queued per client (`ZMQ_SNDHWM` with `ZMQ_ROUTER_MANDATORY`). A reply to a client whose queue
    /// is full is dropped and counted (`replies_dropped`); per client: at most this × `maximumReplyBytes`.
    public var sendHighWaterMark: Int32 = 8
    /// A larger reply is replaced by `ERR too_large` (HEALTH past about 6 500 monitors: each monitor's entry, with its
    /// verdict, is about 310 bytes, 1.27 MB at 4 096; `HEALTH <id>` asks for one); SNAPSHOT pages stay under
    /// `snapshotPageBytes` and never reach it.
    public var maximumReplyBytes = 2 * 1024 * 1024
    /// Items per SNAPSHOT reply stop before this many bytes; the rest comes with the cursor in `next`.
    public var snapshotPageBytes = 64 * 1024
    /// Reply bytes alive at once, for all clients together: rendered and cached, or queued inside libzmq and not
    /// yet written to a client's socket. At the bound, requests other than PING get `ERR busy`.
    public var maximumReplyBytesHeld = 16 * 1024 * 1024
    /// Reply bytes rendered per second (a token bucket holding at most one second's worth). Cached replies
    /// (the same SNAPSHOT page at the same gseq, HEALTH within one poll) cost nothing. Past it, requests other
    /// than PING get `ERR busy` until the bucket refills.
    public var renderedBytesPerSecond = 4 * 1024 * 1024
    /// Requests answered per wake-up of the loop before it goes back to its poll schedule; the rest wait in
    /// their clients' receive queues.
    public var requestsPerWakeUp = 64
    /// Seconds of answering per wake-up, whatever the requests cost: a poll tick is late by at most this.
    public var secondsPerWakeUp = 0.005
    /// Frozen SNAPSHOT views (one per prefix and gseq) kept for cursors and cache hits; a cursor into an older
    /// one gets `ERR expired`.
    public var snapshotViews = 8
    /// Snapshot items kept rendered between pages and clients (one per retained topic, about 5.4 MB at 4 096
    /// monitors); past it, items are rendered for each page again. Dropped after 10 s without a SNAPSHOT.
    public var snapshotItemBytes = 8 * 1024 * 1024

    public init() {}
}
