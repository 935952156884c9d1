/// A 64-bit FNV-1a hash of UTF-8 bytes: the same on every run, process and machine, unlike Swift's
/// per-process seeded `Hasher`. Used for consistent-hash routing.
public enum StableHash {
    /// The hash of `string`'s UTF-8 bytes.
    public static func hash(_ string: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in string.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        // Final avalanche (SplitMix64's finaliser) so that similar keys spread over the ring.
        hash = (hash ^ (hash >> 30)) &* 0xBF58_476D_1CE4_E5B9
        hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }
}
