import Synchronization

/// The system's random source: a seeded SplitMix64, so that jitter, random routing and anything else
/// random in the runtime repeats exactly for a given seed. Thread-safe.
public final class SeededRandom: Sendable {
    private let state: Locked<UInt64>
    /// The seed this source started from.
    public let seed: UInt64

    /// Creates a source from `seed`.
    public init(seed: UInt64) {
        self.seed = seed
        state = Locked(seed)
    }

    /// The next 64 random bits.
    public func next() -> UInt64 {
        state.withLock { state in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A uniform number in 0..<1.
    public func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in 0..<upperBound.
    public func next(below upperBound: Int) -> Int {
        precondition(upperBound > 0)
        return Int(next() % UInt64(upperBound))
    }
}
