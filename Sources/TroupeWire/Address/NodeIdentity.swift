/// One incarnation (one life) of a node: its ``NodeAddress`` plus a number that is different each
/// time a node starts at that address.
///
/// A node that restarts at the same address gets a new incarnation, so that messages, membership
/// records and associations meant for its previous life are recognised as stale.
public struct NodeIdentity: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Where the node is reachable.
    public var address: NodeAddress
    /// Which life of the node at ``address`` this is; chosen at random (or from a seed) at start.
    public var incarnation: UInt64

    /// Creates an identity.
    public init(address: NodeAddress, incarnation: UInt64) {
        self.address = address
        self.incarnation = incarnation
    }

    /// `name@host:port#incarnation`.
    public var description: String {
        "\(address)#\(incarnation)"
    }
}
