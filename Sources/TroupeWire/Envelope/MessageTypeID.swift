/// The stable 64-bit id of a message type on the wire: the FNV-1a 64 hash of the type's declared
/// wire name (for example `"orders.PlaceOrder"`).
///
/// The id is computed from the name's UTF-8 bytes with fixed constants, never with Swift's
/// per-process seeded `Hasher`, so it is the same in every build, process and machine. An id made
/// from a name keeps the name for diagnostics; an id decoded from the wire carries only the number
/// (``name`` is `nil`). Equality and hashing look only at ``rawValue``.
public struct MessageTypeID: Hashable, Sendable, CustomStringConvertible {
    /// The 64-bit id.
    public let rawValue: UInt64
    /// The name the id was computed from, when it was made from a name (not when decoded).
    public let name: String?

    /// The id of the type declared under `name`: `fnv1a64(name.utf8)`.
    public init(name: String) {
        self.rawValue = MessageTypeID.fnv1a64(name.utf8)
        self.name = name
    }

    /// An id read from the wire (no name known).
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
        self.name = nil
    }

    /// The 64-bit FNV-1a hash of `bytes`: offset basis `0xcbf29ce484222325`, prime
    /// `0x100000001b3`, XOR then multiply for each byte. No final mixing.
    public static func fnv1a64(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    public static func == (lhs: MessageTypeID, rhs: MessageTypeID) -> Bool {
        lhs.rawValue == rhs.rawValue
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rawValue)
    }

    /// `name (0x…)` or, without a name, `0x` and 16 hex digits.
    public var description: String {
        let hex = String(rawValue, radix: 16)
        let padded = "0x" + String(repeating: "0", count: 16 - hex.count) + hex
        if let name { return "\(name) (\(padded))" }
        return padded
    }
}
