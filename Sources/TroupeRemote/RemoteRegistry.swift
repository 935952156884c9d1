import Synchronization
import TroupeCore
import TroupeWire

/// The allow-list of actor types whose messages may cross the wire.
///
/// A node delivers an inbound message only if its type id is registered here: a frame naming any
/// other type is refused (its asker gets ``ActorError/Code/notSerializable``, the refusal is
/// logged at a limited rate) and nothing is decoded, so nothing is instantiated. A node also needs
/// an actor type registered to make refs to remote actors of that type.
///
/// ```swift
/// let registry = RemoteRegistry()
/// try registry.register(Counter.self)
/// ```
///
/// A type's id is the FNV-1a hash of its declared name: by default the actor's
/// `messageTypeName`, which `@Actor` generates from the type's declared name (`"Counter.Message"`,
/// or the name given with `@Actor(wireName:)`). It is stable across builds and machines, never the
/// mangled name or `Hasher`. Both nodes must register the type under the same name.
public final class RemoteRegistry: Sendable {
    /// How a registered type's inbound messages are decoded and delivered.
    struct Entry: Sendable {
        let typeID: MessageTypeID
        let actorType: String
        /// Decodes `payload` and enqueues it at the local actor named `recipient`, with `reply` as
        /// the reply slot of an ask.
        let deliver: @Sendable (_ system: ActorSystem, _ recipient: String, _ payload: [UInt8], _ decoder: BinaryDecoder, _ reply: AnyReplySlot?) throws -> Void
    }

    private struct State {
        var idByType: [ObjectIdentifier: MessageTypeID] = [:]
        /// Every snapshot published so far, kept alive for readers that may still hold one; the
        /// last is the current one.
        var snapshots: [Snapshot]
    }

    /// The entries by type id as of the last registration, immutable: every inbound message looks
    /// its type up here, on an event loop, so the lookup takes no lock (it took the registry's
    /// lock per message before).
    final class Snapshot: Sendable {
        let byID: [UInt64: Entry]
        init(_ byID: [UInt64: Entry]) { self.byID = byID }
    }

    private let state: Locked<State>
    /// The current snapshot, retained by `state.snapshots` (a registry registers a handful of
    /// types, so it keeps a handful of snapshots until it is released).
    private let published: Atomic<Unmanaged<Snapshot>>

    /// Creates an empty registry.
    public init() {
        let empty = Snapshot([:])
        state = Locked(State(snapshots: [empty]))
        published = Atomic(Unmanaged.passUnretained(empty))
    }

    /// Allows actor type `A` to be reached over the wire, under `name` (default:
    /// `A.messageTypeName`). Registering the same type again under the same name
    /// does nothing. Throws ``ActorError/Code/invalidSettings`` when the name is taken by another
    /// type or its id collides with another name's.
    ///
    /// Inlinable, so that the delivery of inbound messages is specialised for `A` in the caller's
    /// module: reached generically, each message paid for runtime lookups of generic metadata.
    @inlinable
    public func register<A: ActorBehavior>(_ type: A.Type, as name: String? = nil) throws where A.Message: Codable {
        try add(A.self, name: name ?? A.messageTypeName) { payload, decoder in
            try decoder.decode(A.Message.self, from: payload)
        }
    }

    /// Allows actor type `A`, whose `Message` writes itself to the wire (a protobuf message, with
    /// `TroupeProtobuf`), to be reached over the wire under `name` (default: `A.messageTypeName`).
    /// The same rules as for `Codable` messages apply.
    @inlinable
    public func register<A: ActorBehavior>(_ type: A.Type, as name: String? = nil) throws where A.Message: WirePayload {
        try add(A.self, name: name ?? A.messageTypeName) { payload, _ in
            try A.Message(wirePayload: payload)
        }
    }

    /// Registers `A` with the delivery of its inbound messages: `decode`, then enqueue at the
    /// named actor (running its turn inline if it is idle). Inlinable, so that both the delivery
    /// and `decode` are specialised in the registering module.
    @inlinable
    func add<A: ActorBehavior>(
        _ type: A.Type, name: String, decode: @escaping @Sendable ([UInt8], BinaryDecoder) throws -> A.Message
    ) throws {
        try add(A.self, name: name) { system, recipient, payload, decoder, reply in
            let ref = try system.lookupNow(A.self, name: recipient)
            let message: A.Message
            do {
                message = try decode(payload, decoder)
            } catch {
                throw RemoteRegistry.undecodable(recipient, A.self, error)
            }
            ref.deliverRunningInline(message, reply: reply)
        }
    }

    /// The error for an inbound message that could not be decoded.
    @usableFromInline
    static func undecodable(_ recipient: String, _ type: Any.Type, _ error: any Error) -> ActorError {
        ActorError(.notSerializable, "a message for \(recipient) (\(type)) could not be decoded", underlying: error)
    }

    @usableFromInline
    func add<A: ActorBehavior>(
        _ type: A.Type, name: String,
        deliver: @escaping @Sendable (_ system: ActorSystem, _ recipient: String, _ payload: [UInt8], _ decoder: BinaryDecoder, _ reply: AnyReplySlot?) throws -> Void
    ) throws {
        let id = MessageTypeID(name: name)
        let entry = Entry(typeID: id, actorType: "\(A.self)", deliver: deliver)
        try state.withLock { (state: inout State) throws(ActorError) in
            var byID = state.snapshots[state.snapshots.count - 1].byID
            if let existing = byID[id.rawValue] {
                guard existing.actorType == entry.actorType, state.idByType[ObjectIdentifier(A.self)] == id else {
                    throw ActorError(.invalidSettings, "remote type id \(id) of '\(name)' is already registered for \(existing.actorType)")
                }
                return
            }
            if let other = state.idByType[ObjectIdentifier(A.self)], other != id {
                throw ActorError(.invalidSettings, "\(A.self) is already registered for remote use under another name")
            }
            byID[id.rawValue] = entry
            state.idByType[ObjectIdentifier(A.self)] = id
            let snapshot = Snapshot(byID)
            state.snapshots.append(snapshot)
            published.store(Unmanaged.passUnretained(snapshot), ordering: .releasing)
        }
    }

    /// Whether actor type `A` is registered.
    public func isRegistered<A: ActorBehavior>(_ type: A.Type) -> Bool {
        typeID(of: type) != nil
    }

    func entry(for id: MessageTypeID) -> Entry? {
        published.load(ordering: .acquiring).takeUnretainedValue().byID[id.rawValue]
    }

    func typeID<A: ActorBehavior>(of type: A.Type) -> MessageTypeID? {
        state.withLock { $0.idByType[ObjectIdentifier(A.self)] }
    }
}
