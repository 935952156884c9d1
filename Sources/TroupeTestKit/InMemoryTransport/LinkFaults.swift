import TroupeWire

/// The faults an ``InMemoryNetwork`` injects on a directed link (from one address to another).
///
/// Every random decision is drawn from the network's one seeded random source, in the order
/// envelopes are sent, so a test run repeats exactly for a given seed and send order. For each
/// envelope the draws are, in this order and only when the fault is enabled: drop, duplicate,
/// reorder, then jitter for each copy.
public struct LinkFaults: Sendable, Hashable, CustomStringConvertible {
    /// The probability (0...1) that an envelope is lost. Counted in ``LinkStats/dropped``.
    public var dropProbability: Double
    /// How long every envelope takes to arrive. Delivery then happens when the network's clock
    /// reaches the deadline (a `ManualClock` must be advanced).
    public var delay: Duration
    /// An extra delay drawn uniformly from `0...jitter` for each envelope. Jitter varies latency but
    /// never reorders: like a TCP stream, an envelope waits for the ones sent before it.
    public var jitter: Duration
    /// The probability (0...1) that an envelope is delivered twice (the copy right after the
    /// original). Counted in ``LinkStats/duplicated``.
    public var duplicateProbability: Double
    /// The probability (0...1) that an envelope is held back and delivered right after the next
    /// envelope sent on the same link (the two swap places). At most one envelope per link is held
    /// at a time; a held envelope with no successor waits until
    /// ``InMemoryNetwork/releaseHeldEnvelopes()`` or until this link's faults are cleared.
    public var reorderProbability: Double

    /// No faults: immediate, ordered, exactly-once delivery.
    public static let none = LinkFaults()

    /// Creates a set of faults; probabilities must be in `0...1` and durations non-negative.
    public init(
        dropProbability: Double = 0,
        delay: Duration = .zero,
        jitter: Duration = .zero,
        duplicateProbability: Double = 0,
        reorderProbability: Double = 0
    ) {
        for (name, probability) in [("drop", dropProbability), ("duplicate", duplicateProbability), ("reorder", reorderProbability)] {
            precondition((0...1).contains(probability), "\(name) probability must be in 0...1, not \(probability)")
        }
        precondition(delay >= .zero && jitter >= .zero, "delay and jitter must not be negative")
        self.dropProbability = dropProbability
        self.delay = delay
        self.jitter = jitter
        self.duplicateProbability = duplicateProbability
        self.reorderProbability = reorderProbability
    }

    /// Drops each envelope with `probability`.
    public static func drop(_ probability: Double) -> LinkFaults {
        LinkFaults(dropProbability: probability)
    }

    /// Delays each envelope by `delay` plus up to `jitter`.
    public static func delay(_ delay: Duration, jitter: Duration = .zero) -> LinkFaults {
        LinkFaults(delay: delay, jitter: jitter)
    }

    /// Duplicates each envelope with `probability`.
    public static func duplicate(_ probability: Double) -> LinkFaults {
        LinkFaults(duplicateProbability: probability)
    }

    /// Holds each envelope back behind the next one with `probability`.
    public static func reorder(_ probability: Double) -> LinkFaults {
        LinkFaults(reorderProbability: probability)
    }

    /// Whether envelopes are delayed at all.
    var isDelayed: Bool { delay > .zero || jitter > .zero }

    public var description: String {
        var parts: [String] = []
        if dropProbability > 0 { parts.append("drop \(dropProbability)") }
        if isDelayed { parts.append("delay \(delay) + up to \(jitter)") }
        if duplicateProbability > 0 { parts.append("duplicate \(duplicateProbability)") }
        if reorderProbability > 0 { parts.append("reorder \(reorderProbability)") }
        return parts.isEmpty ? "no faults" : parts.joined(separator: ", ")
    }
}
