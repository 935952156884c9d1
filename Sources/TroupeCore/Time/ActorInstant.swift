/// A point in time on an ``ActorClock``: nanoseconds since the clock's own origin.
///
/// Instants from different clocks are not comparable in any meaningful way; the runtime only
/// compares instants of the clock injected into one ``ActorSystem``.
public struct ActorInstant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the clock's origin.
    public var nanoseconds: Int64

    /// The clock's origin.
    public static let zero = ActorInstant(nanoseconds: 0)

    /// Creates an instant `nanoseconds` after the clock's origin.
    @inlinable
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    @inlinable
    public static func < (lhs: ActorInstant, rhs: ActorInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }

    /// The instant `duration` after `instant`, saturating instead of overflowing.
    @inlinable
    public static func + (instant: ActorInstant, duration: Duration) -> ActorInstant {
        let (sum, overflow) = instant.nanoseconds.addingReportingOverflow(duration.nanoseconds)
        return ActorInstant(nanoseconds: overflow ? (duration > .zero ? .max : .min) : sum)
    }

    /// The time from `rhs` to `lhs`.
    @inlinable
    public static func - (lhs: ActorInstant, rhs: ActorInstant) -> Duration {
        .nanoseconds(lhs.nanoseconds &- rhs.nanoseconds)
    }

    public var description: String {
        "\(Duration.nanoseconds(nanoseconds))"
    }
}

extension Duration {
    /// This duration in whole nanoseconds, saturating at `Int64.max`.
    @inlinable
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds > 0 ? .max : .min }
        let (total, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds > 0 ? .max : .min }
        return total
    }
}
