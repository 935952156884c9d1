/// How refs are written into and read from messages that cross the wire: a transport puts one in
/// the coder's `userInfo` under ``ActorRefCoding/userInfoKey`` (see `TroupeRemote`).
package protocol ActorRefCoding: Sendable {
    /// The node address and actor name that identify `ref` on the wire.
    func wireIdentity<A: ActorBehavior>(of ref: ActorRef<A>) throws -> (node: String, name: String)
    /// The ref named `name` on the node at `node` (a local ref if that is this node).
    func ref<A: ActorBehavior>(_ type: A.Type, node: String, name: String) throws -> ActorRef<A> where A.Message: Codable
}

extension ActorRefCoding {
    /// The key under which an encoder's or decoder's `userInfo` holds the ref coding.
    package static var userInfoKey: CodingUserInfoKey { CodingUserInfoKey(rawValue: "troupe.actorRefCoding")! }
}

/// A ref in a message that crosses the wire travels as its node's address and the actor's
/// registered name, and arrives as a ref to that actor (a remote ref, or a local one when it comes
/// home). Encoding or decoding outside a remote node's coder throws; an actor without a name cannot
/// be sent (register it under a name first).
extension ActorRef: Codable where A.Message: Codable {
    private enum CodingKeys: String, CodingKey {
        case node, name
    }

    public func encode(to encoder: any Encoder) throws {
        guard let coding = encoder.userInfo[Self.codingKey] as? any ActorRefCoding else {
            throw ActorError(.notSerializable, "a ref to \(cell.label) can only be encoded by a remote node's codec")
        }
        let (node, name) = try coding.wireIdentity(of: self)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(node, forKey: .node)
        try container.encode(name, forKey: .name)
    }

    public init(from decoder: any Decoder) throws {
        guard let coding = decoder.userInfo[Self.codingKey] as? any ActorRefCoding else {
            throw ActorError(.notSerializable, "a ref can only be decoded by a remote node's codec")
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let node = try container.decode(String.self, forKey: .node)
        let name = try container.decode(String.self, forKey: .name)
        self = try coding.ref(A.self, node: node, name: name)
    }

    private static var codingKey: CodingUserInfoKey { CodingUserInfoKey(rawValue: "troupe.actorRefCoding")! }
}
