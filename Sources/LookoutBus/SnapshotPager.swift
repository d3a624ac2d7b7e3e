import LookoutJSON
import ZeroMQ

/// SNAPSHOT replies in pages, exact on gseq: the first request for a prefix freezes the retained messages at the
/// current gseq (a copy-on-write array: cheap until the publisher changes one), and every page of that snapshot,
/// whenever asked for, comes from the frozen copy. Rendered pages are cached, so a flood of the same SNAPSHOT at
/// the same gseq renders once.
///
/// Clients that start a moment apart freeze views at different gseqs (the paced re-publish alone moves it every
/// tick), but most of their items are the same messages: each message's item is rendered once and kept (by topic,
/// with the gseq of the message it renders), so a page of a later view is those bytes copied together and only
/// the items that changed in between are rendered (and charged to the render budget). A burst of 16 clients after
/// a restart costs about one rendering of the retained state, not 16.
///
/// Not thread-safe: the agent's loop thread owns it.
final class SnapshotPager {
    private struct View {
        let prefix: String
        let globalSequence: UInt64
        let messages: [BusMessage]
        /// Rendered pages by first item: the first page and the last one asked for.
        var pages: [Int: ZMQSharedBuffer] = [:]
    }

    private var views: [View] = []
    /// Each retained topic's snapshot item as last rendered, and the gseq of the message it renders.
    private var items: [String: (globalSequence: UInt64, bytes: [UInt8])] = [:]
    /// Bytes in `items`: at `limits.snapshotItemBytes` new items are rendered but not kept.
    private(set) var itemBytes = 0
    private let limits: ControlLimits
    private let ledger: ZMQByteLedger

    init(limits: ControlLimits, ledger: ZMQByteLedger) {
        self.limits = limits
        self.ledger = ledger
    }

    func page(prefix: String, cursor: String?, of publisher: BusPublisher) -> Result<ControlReply, ControlError> {
        let viewIndex: Int
        let start: Int
        if let cursor {
            guard let position = SnapshotCursor(cursor) else {
                return .failure(ControlError(.badRequest, "'\(cursor.prefix(40))' is not a snapshot cursor: pass back the \"next\" of the previous page as it came"))
            }
            guard position.epochTag == publisher.epoch.prefix(8) else {
                return .failure(ControlError(.expired, "cursor '\(cursor.prefix(40))' is from an earlier run of the agent (the epoch changed): start again with SNAPSHOT and no cursor"))
            }
            guard let found = views.firstIndex(where: { $0.prefix == prefix && $0.globalSequence == position.globalSequence }) else {
                return .failure(ControlError(.expired, "the snapshot at gseq \(position.globalSequence) for prefix '\(prefix.prefix(40))' is no longer held (the agent keeps the \(limits.snapshotViews) newest): start again with SNAPSHOT and no cursor"))
            }
            guard position.index < views[found].messages.count else {
                return .failure(ControlError(.badRequest, "cursor '\(cursor.prefix(40))' points past the snapshot's \(views[found].messages.count) items"))
            }
            viewIndex = found
            start = position.index
        } else {
            viewIndex = view(prefix: prefix, publisher: publisher)
            start = 0
        }
        if let cached = views[viewIndex].pages[start] {
            return .success(.rendered(cached, fresh: false))
        }
        let (buffer, rendered) = render(views[viewIndex], from: start, epoch: publisher.epoch)
        if start != 0 { views[viewIndex].pages = views[viewIndex].pages.filter { $0.key == 0 } }
        views[viewIndex].pages[start] = buffer
        return .success(.assembled(buffer, renderedBytes: rendered))
    }

    /// Drops every kept item and view (nothing asked for a while: the bytes go back).
    func trim() {
        items = [:]
        itemBytes = 0
        views = []
    }

    /// The view for `prefix` at the publisher's current gseq, frozen now if it is new.
    private func view(prefix: String, publisher: BusPublisher) -> Int {
        let globalSequence = publisher.globalSequence
        if let found = views.firstIndex(where: { $0.prefix == prefix && $0.globalSequence == globalSequence }) { return found }
        if views.count >= limits.snapshotViews { views.removeFirst() }
        views.append(View(prefix: prefix, globalSequence: globalSequence, messages: publisher.snapshot(prefix: prefix).messages))
        return views.count - 1
    }

    /// `{"epoch":…,"gseq":N,"items":[…],"next":"CURSOR"}`; `next` only when items remain. Also returns the bytes
    /// rendered for it: the envelope and the items not rendered before.
    private func render(_ view: View, from start: Int, epoch: String) -> (ZMQSharedBuffer, renderedBytes: Int) {
        var page: [UInt8] = []
        page.reserveCapacity(limits.snapshotPageBytes + 512)
        page += (#"{"epoch":"# + JSONValue.string(epoch).rendered() + #","gseq":\#(view.globalSequence),"items":["#).utf8
        var rendered = page.count
        let budget = limits.snapshotPageBytes
        var index = start
        while index < view.messages.count {
            let message = view.messages[index]
            let sequence = message.header.globalSequence
            let cached = items[message.topic]
            let item: [UInt8]
            if let cached, cached.globalSequence == sequence {
                item = cached.bytes
            } else {
                item = Array(message.itemText.utf8)
                rendered += item.count
                keep(item, topic: message.topic, globalSequence: sequence, replacing: cached?.bytes.count)
            }
            if index > start && page.count + item.count + 1 > budget { break }
            if index > start { page.append(UInt8(ascii: ",")) }
            page += item
            index += 1
        }
        var tail = "]"
        if index < view.messages.count {
            let next = SnapshotCursor(epoch: epoch, globalSequence: view.globalSequence, index: index)
            tail += #","next":"# + JSONValue.string(next.text).rendered()
        }
        tail += "}"
        page += tail.utf8
        rendered += tail.utf8.count
        return (ZMQSharedBuffer(page, ledger: ledger), rendered)
    }

    private func keep(_ item: [UInt8], topic: String, globalSequence: UInt64, replacing oldCount: Int?) {
        let grown = itemBytes - (oldCount ?? 0) + item.count
        guard grown <= limits.snapshotItemBytes else { return }
        items[topic] = (globalSequence, item)
        itemBytes = grown
    }
}

/// Where the next SNAPSHOT page starts: `<epoch's first 8 characters>:<gseq>:<item index>`. Clients treat it as
/// opaque; the epoch part keeps a cursor from one agent run from resuming in the next.
struct SnapshotCursor: Equatable {
    let epochTag: Substring
    let globalSequence: UInt64
    let index: Int

    init(epoch: String, globalSequence: UInt64, index: Int) {
        epochTag = epoch.prefix(8)
        self.globalSequence = globalSequence
        self.index = index
    }

    init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, let globalSequence = UInt64(parts[1]), let index = Int(parts[2]), index > 0
        else { return nil }
        self.init(epoch: String(parts[0]), globalSequence: globalSequence, index: index)
    }

    var text: String { "\(epochTag):\(globalSequence):\(index)" }
}
