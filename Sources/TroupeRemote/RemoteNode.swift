import Logging
import TroupeCore
import TroupeWire

/// One actor system's presence on the network: it gives refs to actors on other nodes, and
/// delivers the messages other nodes send to its own actors. Works over any `MessageTransport`
/// (the in-memory one in tests; TCP with TLS in production).
///
/// A remote ref is an ordinary `ActorRef<A>`, with the same generated methods: behind it is a local
/// proxy cell whose turn encodes each message into a `WireEnvelope` and sends it. The proxy's
/// mailbox and the transport are both FIFO, so messages from one sender to one remote actor
/// arrive in the order sent; delivery is at most once.
///
/// ```swift
/// let node = RemoteNode(system: system, transport: transport, registry: registry)
/// try await node.start()
/// let counter = try node.ref(Counter.self, name: "counter/main", on: peer)
/// try await counter.increment(by: 5)
/// ```
///
/// A remote ref is watched: when the actor behind it terminates, its node says so and the ref
/// terminates with the same reason (a failure as ``ActorError/Code/remoteFailure``), so local
/// watchers learn of it. When the association with a node is lost, every ask waiting for a reply from it fails at once
/// with ``ActorError/Code/nodeUnreachable``, whatever its timeout, and every ref to its actors
/// terminates (reason `.failed`, with that error): watchers are told, and an old ref fails fast
/// (asks throw ``ActorError/Code/actorStopped``, tells go to dead letters). Call ``ref(_:name:on:)``
/// again for a fresh ref once the node is back.
public final class RemoteNode: TransportDelegate, Sendable {
    /// The local system.
    public let system: ActorSystem
    /// The transport the node sends and receives on.
    public let transport: any MessageTransport
    /// The types allowed over the wire.
    public let registry: RemoteRegistry

    private struct Pending {
        let peer: NodeAddress
        /// The life of the peer the ask went to, if known when it was sent (else the next one).
        var incarnation: UInt64?
        let slot: AnyReplySlot
    }

    private struct ProxyKey: Hashable {
        let peer: NodeAddress
        let name: String
        let type: ObjectIdentifier
    }

    private struct Proxy {
        let ref: any Sendable
        let id: ActorID
        let stop: @Sendable (TerminationReason) -> Void
        /// The life of the peer the ref belongs to: the one known when it was made, or else the
        /// first one associated after. A ref never follows its node into a new incarnation.
        var incarnation: UInt64?
    }

    private struct State {
        var nextCorrelation: UInt64 = 0
        var pending: [UInt64: Pending] = [:]
        var proxies: [ProxyKey: Proxy] = [:]
        /// The proxies' wire identities, by the proxy cell's id: how a remote ref is re-encoded.
        var proxyIdentities: [ActorID: (peer: NodeAddress, name: String)] = [:]
        /// The incarnation of each associated peer; forgotten when the association is lost.
        var incarnations: [NodeAddress: UInt64] = [:]
        var refusals = RateLimiter(burst: 10, interval: .seconds(60))
    }

    private let state = Locked(State())
    private let logger: Logger

    /// Creates the node; call ``start()`` before sending or receiving.
    public init(system: ActorSystem, transport: any MessageTransport, registry: RemoteRegistry) {
        self.system = system
        self.transport = transport
        self.registry = registry
        var logger = system.logger
        logger[metadataKey: "remote.node"] = "\(transport.localAddress)"
        self.logger = logger
        let refs = RefCoding(owner: codecOwner)
        var encoder = BinaryEncoder()
        encoder.userInfo[RefCoding.userInfoKey] = refs
        self.encoder = encoder
        var decoder = BinaryDecoder()
        decoder.userInfo[RefCoding.userInfoKey] = refs
        self.decoder = decoder
        codecOwner.node = self
    }

    /// This node's address.
    public var address: NodeAddress { transport.localAddress }

    /// How many asks this node sent that wait for a reply (for observability; asks that timed out
    /// may be counted until their entries are swept).
    public var pendingAsks: Int {
        state.withLock { state in state.pending.values.filter { !$0.slot.hasEnded }.count }
    }

    /// The incarnation (life) of the node at `peer` that this node is associated with: known once a
    /// handshake with it has finished, forgotten when the association is lost. `nil` over a
    /// transport without handshakes (the in-memory one).
    public func incarnation(of peer: NodeAddress) -> UInt64? {
        state.withLock { $0.incarnations[peer] }
    }

    /// Associates with the node at `peer` now, rather than on the first message to it: sends a
    /// greeting the peer ignores. If the peer cannot be reached, the loss is reported as for any
    /// association (``ActorError/Code/nodeUnreachable`` for whatever waits on it); throws only if
    /// the transport refuses the send at once (not started, closed, backing off).
    public func associate(with peer: NodeAddress) throws {
        try transport.send(WireEnvelope(kind: .system, recipient: "", messageType: Self.greetingType), to: peer)
    }

    /// The system envelope of ``associate(with:)``.
    static let greetingType = MessageTypeID(name: "troupe.remote.Greeting")

    /// Starts receiving.
    public func start() async throws {
        try await transport.start(delegate: self)
    }

    /// Closes the transport: pending asks to every peer fail, peers learn the association is lost.
    public func close() async {
        await transport.close()
        failPending { _ in true }
    }

    /// A ref to the actor registered under `name` on the node at `peer`. No message is sent until
    /// the ref is used; an actor that does not exist there fails each ask with
    /// ``ActorError/Code/nameNotFound``. Throws ``ActorError/Code/notSerializable`` if `A` is not
    /// registered in ``registry``.
    public func ref<A: ActorBehavior>(_ type: A.Type, name: String, on peer: NodeAddress) throws -> ActorRef<A> where A.Message: Codable {
        try makeRef(A.self, name: name, on: peer) { [weak self] message in
            guard let self else { throw ActorError(.nodeUnreachable, "the remote node was released") }
            return try encoder.encode(message)
        }
    }

    /// A ref to the actor registered under `name` on the node at `peer`, for an actor whose
    /// messages write themselves to the wire (``WirePayload``: protobuf messages, with
    /// `TroupeProtobuf`). Otherwise as ``ref(_:name:on:)``.
    public func ref<A: ActorBehavior>(_ type: A.Type, name: String, on peer: NodeAddress) throws -> ActorRef<A> where A.Message: WirePayload {
        try makeRef(A.self, name: name, on: peer) { message in try message.wirePayload() }
    }

    private func makeRef<A: ActorBehavior>(
        _ type: A.Type, name: String, on peer: NodeAddress, encode: @escaping @Sendable (A.Message) throws -> [UInt8]
    ) throws -> ActorRef<A> {
        guard let typeID = registry.typeID(of: A.self) else {
            throw ActorError(.notSerializable, "\(A.self) is not registered for remote use (RemoteRegistry.register)")
        }
        let key = ProxyKey(peer: peer, name: name, type: ObjectIdentifier(A.self))
        if let existing = state.withLock({ $0.proxies[key]?.ref }) as? ActorRef<A> {
            return existing
        }
        let proxy = try system.spawnRecorder(of: A.self, name: nil, concurrently: true) { [weak self] message, reply in
            try self?.send(message, encode: encode, reply: reply, typeID: typeID, recipient: name, peer: peer)
        }
        let raced: ActorRef<A>? = state.withLock { state in
            if let raced = state.proxies[key]?.ref as? ActorRef<A> { return raced }
            state.proxies[key] = Proxy(ref: proxy, id: proxy.id, stop: { reason in proxy.stop(reason: reason) }, incarnation: state.incarnations[peer])
            state.proxyIdentities[proxy.id] = (peer, name)
            return nil
        }
        if let raced {
            proxy.stop()
            return raced
        }
        do {
            try transport.send(RemoteWatch.watch(name), to: peer)
        } catch {
            logger.debug("remote watch not sent", metadata: ["remote.peer": "\(peer)", "error": "\(error)"])
        }
        return proxy
    }

    // MARK: Outbound

    /// Sends one message of a proxy's turn. An ask's failure to leave fails the ask; a told
    /// message's is thrown (to dead letters, or to the caller of `send`).
    private func send<Message>(
        _ message: Message, encode: (Message) throws -> [UInt8], reply: ReplyHandle, typeID: MessageTypeID, recipient: String, peer: NodeAddress
    ) throws {
        let slot = reply.replySlot
        let payload: [UInt8]
        do {
            payload = try encode(message)
        } catch {
            try refuseOutbound(slot, ActorError(.notSerializable, "a message to \(recipient) could not be encoded: \(error)", underlying: error))
            return
        }
        var correlation: UInt64 = 0
        if let slot {
            correlation = state.withLock { state in
                state.nextCorrelation &+= 1
                state.pending[state.nextCorrelation] = Pending(peer: peer, incarnation: state.incarnations[peer], slot: slot)
                if state.pending.count > 1_024, state.pending.count.isMultiple(of: 1_024) {
                    // Asks that timed out or were cancelled never get a reply: drop their entries.
                    state.pending = state.pending.filter { !$0.value.slot.hasEnded }
                }
                return state.nextCorrelation
            }
        }
        let envelope = WireEnvelope(
            kind: slot == nil ? .tell : .ask, recipient: recipient, messageType: typeID,
            correlationID: correlation, payload: payload)
        do {
            try transport.send(envelope, to: peer)
        } catch {
            if slot != nil { state.withLock { _ = $0.pending.removeValue(forKey: correlation) } }
            try refuseOutbound(slot, ActorError(.nodeUnreachable, "cannot send to \(recipient) on \(peer): \(error)", underlying: error))
        }
    }

    /// A message that could not leave: its asker gets `error`; for a told message it is thrown.
    private func refuseOutbound(_ slot: AnyReplySlot?, _ error: ActorError) throws {
        guard let slot else { throw error }
        slot.deliverFailure(error)
    }

    // MARK: Inbound

    public func transport(_ transport: any MessageTransport, received envelope: WireEnvelope, from address: NodeAddress) {
        switch envelope.kind {
        case .tell, .ask:
            deliverInbound(envelope, from: address)
        case .system where envelope.messageType == RemoteWatch.watchType:
            watchLocal(envelope.recipient, for: address)
        case .system where envelope.messageType == RemoteWatch.terminatedType:
            remoteTerminated(envelope, from: address)
        case .system where envelope.messageType == Self.greetingType:
            break  // it did its job: the association exists
        case .reply, .failure:
            guard let pending = state.withLock({ $0.pending.removeValue(forKey: envelope.correlationID) }) else {
                return  // the ask already ended (timed out, cancelled): a late reply is dropped
            }
            if envelope.kind == .reply {
                deliverReply(envelope.payload, to: pending.slot)
            } else {
                let failure = (try? BinaryDecoder().decode(RemoteFailure.self, from: envelope.payload))
                pending.slot.deliverFailure(failure?.error ?? ActorError(.notSerializable, "an undecodable failure came back from \(address)"))
            }
        default:
            logRefusal("envelope of unexpected kind \(envelope.kind)", from: address)
        }
    }

    /// A handshake reached `identity`. Refs and asks made before any association with its address
    /// belong to this life of the node. If the node had another incarnation, it restarted: what
    /// belonged to the old life ends, as if its association had been lost (pending asks fail with
    /// ``ActorError/Code/nodeUnreachable``, refs terminate and fail fast); refs made from now on
    /// reach the new life.
    public func transport(_ transport: any MessageTransport, associatedWith identity: NodeIdentity) {
        let address = identity.address
        let (failed, ended): ([Pending], [Proxy]) = state.withLock { state in
            let previous = state.incarnations.updateValue(identity.incarnation, forKey: address)
            var failed: [Pending] = []
            for (correlation, pending) in state.pending where pending.peer == address {
                if pending.incarnation == nil {
                    state.pending[correlation]?.incarnation = identity.incarnation
                } else if pending.incarnation != identity.incarnation {
                    failed.append(state.pending.removeValue(forKey: correlation)!)
                }
            }
            var ended: [Proxy] = []
            for (key, proxy) in state.proxies where key.peer == address {
                if proxy.incarnation == nil {
                    state.proxies[key]?.incarnation = identity.incarnation
                } else if proxy.incarnation != identity.incarnation {
                    ended.append(state.proxies.removeValue(forKey: key)!)
                    state.proxyIdentities[proxy.id] = nil
                }
            }
            if let previous, previous != identity.incarnation, !(failed.isEmpty && ended.isEmpty) {
                logger.debug("peer restarted", metadata: ["remote.peer": "\(address)", "remote.incarnation": "\(identity.incarnation)"])
            }
            return (failed, ended)
        }
        for pending in failed {
            pending.slot.deliverFailure(ActorError(.nodeUnreachable, "\(address) restarted (new incarnation) while the ask was pending; it may or may not have been handled"))
        }
        let reason = TerminationReason(.failed, error: ActorError(.nodeUnreachable, "\(address) restarted: this ref belonged to its previous incarnation"))
        for proxy in ended { proxy.stop(reason) }
    }

    public func transport(_ transport: any MessageTransport, lostAssociationWith address: NodeAddress, error: (any Error)?) {
        logger.debug("association lost", metadata: ["remote.peer": "\(address)"])
        failPending { $0 == address }
        let lost: [Proxy] = state.withLock { state in
            state.incarnations[address] = nil
            let keys = state.proxies.keys.filter { $0.peer == address }.sorted { $0.name < $1.name }
            state.proxyIdentities = state.proxyIdentities.filter { $0.value.peer != address }
            return keys.compactMap { state.proxies.removeValue(forKey: $0) }
        }
        let reason = TerminationReason(.failed, error: ActorError(.nodeUnreachable, "the association with \(address) was lost"))
        for proxy in lost { proxy.stop(reason) }
    }

    /// A peer watches the local actor `name`: tell it when the actor terminates.
    private func watchLocal(_ name: String, for peer: NodeAddress) {
        let watching = system.whenTerminated(named: name) { [weak self] reason in
            guard let self else { return }
            try? transport.send(RemoteWatch.terminated(name, RemoteWatch.Reason(reason)), to: peer)
        }
        if !watching {
            let reason = RemoteWatch.Reason(kind: "failed", message: "no live actor is registered under the name '\(name)' on \(address)")
            try? transport.send(RemoteWatch.terminated(name, reason), to: peer)
        }
    }

    /// A watched remote actor terminated: its refs here terminate with the same reason.
    private func remoteTerminated(_ envelope: WireEnvelope, from peer: NodeAddress) {
        guard let reason = try? BinaryDecoder().decode(RemoteWatch.Reason.self, from: envelope.payload) else {
            logRefusal("undecodable termination notice", from: peer)
            return
        }
        let ended: [Proxy] = state.withLock { state in
            let keys = state.proxies.keys.filter { $0.peer == peer && $0.name == envelope.recipient }
            state.proxyIdentities = state.proxyIdentities.filter { !($0.value.peer == peer && $0.value.name == envelope.recipient) }
            return keys.compactMap { state.proxies.removeValue(forKey: $0) }
        }
        for proxy in ended { proxy.stop(reason.terminationReason) }
    }

    private func deliverInbound(_ envelope: WireEnvelope, from address: NodeAddress) {
        let correlation = envelope.correlationID
        let slot: AnyReplySlot? = envelope.kind == .ask
            ? ForwardingReplySlot { [weak self] result in self?.sendReply(result, correlation: correlation, to: address) }
            : nil
        guard let entry = registry.entry(for: envelope.messageType) else {
            logRefusal("message of unregistered type \(envelope.messageType) for \(envelope.recipient)", from: address)
            slot?.deliverFailure(ActorError(.notSerializable, "message type \(envelope.messageType) is not registered for remote use on \(self.address)"))
            return
        }
        do {
            try entry.deliver(system, envelope.recipient, envelope.payload, decoder, slot)
        } catch {
            if let slot {
                slot.deliverFailure(error)
            } else {
                logger.debug("inbound tell not delivered", metadata: ["remote.peer": "\(address)", "actor.recipient": "\(envelope.recipient)", "error": "\(error)"])
            }
        }
    }

    private func sendReply(_ result: Result<any Sendable, any Error>, correlation: UInt64, to peer: NodeAddress) {
        var envelope = WireEnvelope(kind: .reply, recipient: "", messageType: MessageTypeID(rawValue: 0), correlationID: correlation)
        do {
            let value = try result.get()
            if let encodable = value as? any Encodable {
                // Codable first (the common case, one conformance lookup); the asker's side
                // decodes by the same rule. `Void` is not `Encodable`, so testing for it first
                // only cost every other reply a cast.
                envelope.payload = try encoder.encode(encodable)
            } else if value is Void {
                envelope.payload = []
            } else if let payload = value as? any WirePayload {
                envelope.payload = try payload.wirePayload()
            } else {
                throw ActorError(.notSerializable, "the reply (\(type(of: value))) is not Encodable")
            }
        } catch {
            envelope.kind = .failure
            envelope.payload = (try? BinaryEncoder().encode(RemoteFailure(error))) ?? []
        }
        do {
            try transport.send(envelope, to: peer)
        } catch {
            logger.debug("reply not sent", metadata: ["remote.peer": "\(peer)", "error": "\(error)"])
        }
    }

    /// Decodes a reply as the type the asker expects and completes its ask.
    private func deliverReply(_ payload: [UInt8], to slot: AnyReplySlot) {
        let type = slot.replyType
        if type == Void.self {
            slot.deliver(())
            return
        }
        guard let decodable = type as? any (Decodable & Sendable).Type else {
            if let payloadType = type as? any WirePayload.Type {
                func read<T: WirePayload>(_: T.Type) {
                    do {
                        slot.deliver(try T(wirePayload: payload))
                    } catch {
                        slot.deliverFailure(ActorError(.notSerializable, "a reply of type \(T.self) could not be read", underlying: error))
                    }
                }
                read(payloadType)
                return
            }
            slot.deliverFailure(ActorError(.notSerializable, "the reply type \(type) is neither Decodable nor a WirePayload"))
            return
        }
        func decode<T: Decodable & Sendable>(_: T.Type) {
            do {
                slot.deliver(try decoder.decode(T.self, from: payload))
            } catch {
                slot.deliverFailure(ActorError(.notSerializable, "a reply of type \(T.self) could not be decoded", underlying: error))
            }
        }
        decode(decodable)
    }

    private func failPending(where matches: (NodeAddress) -> Bool) {
        let failed: [Pending] = state.withLock { state in
            let failed = state.pending.filter { matches($0.value.peer) }
            for key in failed.keys { state.pending.removeValue(forKey: key) }
            return failed.sorted { $0.key < $1.key }.map(\.value)
        }
        for pending in failed {
            pending.slot.deliverFailure(ActorError(.nodeUnreachable, "the association with \(pending.peer) was lost while the ask was pending; it may or may not have been handled"))
        }
    }

    private func logRefusal(_ what: String, from peer: NodeAddress) {
        let now = system.clock.now
        let (allowed, suppressed): (Bool, Int) = state.withLock { state in
            let allowed = state.refusals.allow(now: now)
            return (allowed, allowed ? state.refusals.takeSuppressed() : 0)
        }
        guard allowed else { return }
        logger.warning("refused inbound \(what)", metadata: ["remote.peer": "\(peer)", "remote.suppressed": "\(suppressed)"])
    }

    // MARK: Refs in messages

    /// The codec for messages and replies (made once): refs inside them travel as node and name.
    let encoder: BinaryEncoder
    let decoder: BinaryDecoder
    /// How the codec's `RefCoding` reaches this node without holding it (no retain cycle).
    private let codecOwner = CodecOwner()

    /// `@unchecked Sendable`: `node` is written once, at the end of the node's `init`, before the
    /// node is shared with any other thread; afterwards it is only read (weak loads are atomic).
    final class CodecOwner: @unchecked Sendable {
        weak var node: RemoteNode?
    }

    /// Resolves refs for the codec: a local actor by its name on this node, a remote ref by its
    /// proxy's identity; and back.
    struct RefCoding: ActorRefCoding {
        let owner: CodecOwner

        private var node: RemoteNode {
            get throws {
                guard let node = owner.node else { throw ActorError(.nodeUnreachable, "the remote node was released") }
                return node
            }
        }

        func wireIdentity<A: ActorBehavior>(of ref: ActorRef<A>) throws -> (node: String, name: String) {
            let node = try self.node
            if let remote = node.state.withLock({ $0.proxyIdentities[ref.id] }) {
                return ("\(remote.peer)", remote.name)
            }
            guard ref.system === node.system, let name = ref.name else {
                throw ActorError(.notSerializable, "\(ref) cannot be sent to another node: only actors registered under a name can")
            }
            return ("\(node.address)", name)
        }

        func ref<A: ActorBehavior>(_ type: A.Type, node address: String, name: String) throws -> ActorRef<A> where A.Message: Codable {
            let node = try self.node
            let peer = try NodeAddress(parsing: address)
            if peer == node.address {
                return try node.system.lookupNow(A.self, name: name)
            }
            return try node.ref(A.self, name: name, on: peer)
        }
    }
}
