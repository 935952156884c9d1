/// What happened to the envelopes sent on a link (or on all links) of an ``InMemoryNetwork``.
///
/// Nothing is lost silently: every envelope accepted by `send`, and every copy made by the
/// duplicate fault, is eventually ``delivered`` or ``dropped``, and until then it is
/// ``inFlight`` (delayed, queued behind another envelope, or held back by the reorder fault):
/// `sent + duplicated == delivered + dropped + inFlight`.
public struct LinkStats: Sendable, Hashable, CustomStringConvertible {
    /// Envelopes accepted by `send` (not counting sends that threw).
    public var sent = 0
    /// Envelopes handed to the receiver's delegate, duplicates included.
    public var delivered = 0
    /// Envelopes lost: by the drop fault, by a partition (at send or while in flight), or because
    /// the sender or receiver closed before delivery.
    public var dropped = 0
    /// Extra copies made by the duplicate fault.
    public var duplicated = 0

    /// Creates stats (all zero by default).
    public init(sent: Int = 0, delivered: Int = 0, dropped: Int = 0, duplicated: Int = 0) {
        self.sent = sent
        self.delivered = delivered
        self.dropped = dropped
        self.duplicated = duplicated
    }

    /// Envelopes neither delivered nor dropped yet.
    public var inFlight: Int { sent + duplicated - delivered - dropped }

    /// The sum of two sets of stats.
    public static func + (lhs: LinkStats, rhs: LinkStats) -> LinkStats {
        LinkStats(
            sent: lhs.sent + rhs.sent,
            delivered: lhs.delivered + rhs.delivered,
            dropped: lhs.dropped + rhs.dropped,
            duplicated: lhs.duplicated + rhs.duplicated
        )
    }

    public var description: String {
        "sent \(sent), delivered \(delivered), dropped \(dropped), duplicated \(duplicated), in flight \(inFlight)"
    }
}
