/// A hash ring of members with virtual nodes: a key maps to the first member clockwise from its
/// hash, so adding or removing one member moves only about 1/n of the keys. A pure value.
public struct ConsistentHashRing<Member: Sendable>: Sendable {
    private var points: [(hash: UInt64, member: Int)] = []
    /// The members, in the order given.
    public private(set) var members: [Member] = []

    /// Builds a ring of `members`, each placed at `virtualNodes` points derived from `identity`.
    public init(members: [Member], virtualNodes: Int = 100, identity: (Member) -> String) {
        precondition(virtualNodes > 0, "a hash ring needs at least one virtual node per member")
        self.members = members
        for (index, member) in members.enumerated() {
            let base = identity(member)
            for replica in 0..<virtualNodes {
                points.append((StableHash.hash("\(base)#\(replica)"), index))
            }
        }
        points.sort { $0.hash < $1.hash || ($0.hash == $1.hash && $0.member < $1.member) }
    }

    /// The member `key` maps to, or `nil` for an empty ring.
    public func member(for key: String) -> Member? {
        guard !points.isEmpty else { return nil }
        let hash = StableHash.hash(key)
        var low = 0
        var high = points.count
        while low < high {
            let middle = (low + high) / 2
            if points[middle].hash < hash { low = middle + 1 } else { high = middle }
        }
        return members[points[low == points.count ? 0 : low].member]
    }
}
