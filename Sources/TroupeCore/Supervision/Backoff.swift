/// The delay before a restart: exponential, capped, with random jitter so that many actors failing
/// together do not restart in lockstep. Jitter is drawn from the system's seeded random source, so a
/// test with a fixed seed sees the same delays every run.
public struct Backoff: Sendable, Hashable {
    /// The delay before the first restart.
    public var initial: Duration
    /// The longest delay.
    public var maximum: Duration
    /// The factor between consecutive delays.
    public var multiplier: Double
    /// The fraction (0...1) by which a delay may randomly grow or shrink.
    public var jitter: Double

    /// Delays of `initial`, `initial * multiplier`, ... up to `maximum`, each varied by ±`jitter`.
    public static func exponential(
        initial: Duration, maximum: Duration, multiplier: Double = 2, jitter: Double = 0.2
    ) -> Backoff {
        precondition(initial > .zero && maximum >= initial, "backoff needs 0 < initial <= maximum")
        precondition(multiplier >= 1, "backoff multiplier must be at least 1")
        precondition((0...1).contains(jitter), "backoff jitter must be within 0...1")
        return Backoff(initial: initial, maximum: maximum, multiplier: multiplier, jitter: jitter)
    }

    /// The delay before restart number `attempt` (0 for the first), drawing jitter from `random`.
    public func delay(attempt: Int, random: SeededRandom) -> Duration {
        let base = Double(initial.nanoseconds) * pow(multiplier, Double(max(0, attempt)))
        let capped = min(base, Double(maximum.nanoseconds))
        let factor = jitter == 0 ? 1 : 1 + jitter * (random.nextUnit() * 2 - 1)
        return .nanoseconds(Int64(max(0, capped * factor)))
    }
}

private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var remaining = Int(exponent)
    while remaining > 0 && result < 1e18 {
        result *= base
        remaining -= 1
    }
    return result
}
