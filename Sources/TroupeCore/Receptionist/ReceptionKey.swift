/// Names a group of actors of one type in the ``Receptionist``; many actors may register under
/// one key.
public struct ReceptionKey<A: ActorBehavior>: Hashable, Sendable, CustomStringConvertible {
    /// The key's id, unique per actor type within a system.
    public let id: String

    /// Creates a key.
    public init(_ id: String) {
        self.id = id
    }

    public var description: String { "ReceptionKey<\(A.self)>(\(id))" }
}

/// The actors registered under a key at one moment, in the order they were spawned.
public struct Listing<A: ActorBehavior>: Sendable, Equatable, RandomAccessCollection {
    /// The key.
    public let key: ReceptionKey<A>
    /// The live members, ordered by actor id.
    public let members: [ActorRef<A>]

    public var startIndex: Int { members.startIndex }
    public var endIndex: Int { members.endIndex }
    public subscript(position: Int) -> ActorRef<A> { members[position] }
}
