/// The start of an association, as a pure state machine: the node that connects (the initiator)
/// says hello, the node that accepts (the responder) checks it and welcomes back; each side learns
/// the other's identity (address and incarnation) and checks the protocol version and, with TLS,
/// that the peer's certificate names the node it claims to be.
///
/// No I/O and no time here: a transport feeds it frames with ``receive(_:peerCertificateName:)``
/// and carries out the ``Directive``s it returns (send a frame, the association is established,
/// close with a reason). Nothing but handshake frames is accepted before it is established.
public struct Handshake: Sendable {
    /// Which end of the connection this node is.
    public enum Role: Sendable, Equatable {
        /// This node connected, to the node named `expected`.
        case initiator(expected: NodeAddress)
        /// This node accepted the connection.
        case responder
    }

    /// What the transport must do next.
    public enum Directive: Sendable, Equatable {
        /// Write this frame to the peer.
        case send(WireEnvelope)
        /// The handshake is done: the peer is this node, in this incarnation.
        case established(NodeIdentity)
        /// Close the connection: the handshake failed for this reason.
        case reject(String)
    }

    /// Where the handshake is.
    public enum State: Sendable, Equatable {
        case idle
        case awaitingHello
        case awaitingWelcome
        case established(NodeIdentity)
        case rejected(String)
    }

    /// The protocol version this build speaks.
    public static let protocolVersion: UInt8 = 1
    /// The message type of a hello (initiator to responder).
    public static let helloType = MessageTypeID(name: "troupe.transport.Hello")
    /// The message type of a welcome (responder to initiator).
    public static let welcomeType = MessageTypeID(name: "troupe.transport.Welcome")

    /// This node.
    public let local: NodeIdentity
    /// This node's end of the connection.
    public let role: Role
    /// Where the handshake is.
    public private(set) var state = State.idle

    /// A handshake for `local` at its `role` end of a new connection.
    public init(local: NodeIdentity, role: Role) {
        self.local = local
        self.role = role
    }

    /// Starts: the initiator says hello; the responder waits for one.
    public mutating func start() -> [Directive] {
        guard state == .idle else { return [] }
        switch role {
        case .initiator:
            state = .awaitingWelcome
            return [.send(Self.frame(Self.helloType, from: local))]
        case .responder:
            state = .awaitingHello
            return []
        }
    }

    /// Handles a frame from the peer. `peerCertificateName` is the common name of the peer's TLS
    /// certificate (`nil` without TLS): with TLS it must be the peer's system name.
    public mutating func receive(_ envelope: WireEnvelope, peerCertificateName: String?) -> [Directive] {
        switch state {
        case .awaitingHello:
            guard let peer = checked(envelope, expecting: Self.helloType, peerCertificateName: peerCertificateName) else { return rejection }
            state = .established(peer)
            return [.send(Self.frame(Self.welcomeType, from: local)), .established(peer)]
        case .awaitingWelcome:
            guard let peer = checked(envelope, expecting: Self.welcomeType, peerCertificateName: peerCertificateName) else { return rejection }
            if case .initiator(let expected) = role, peer.address.systemName != expected.systemName {
                return reject("dialled node '\(expected.systemName)', but '\(peer.address.systemName)' answered")
            }
            state = .established(peer)
            return [.established(peer)]
        case .idle:
            return reject("a frame arrived before the handshake started")
        case .established:
            return reject("a handshake frame arrived after the handshake")
        case .rejected:
            return []
        }
    }

    // MARK: Frames

    /// A handshake frame's payload: the protocol version, then the node's identity.
    private struct Greeting: Codable {
        var version: UInt8
        var identity: NodeIdentity
    }

    /// The handshake frame of `type` from `identity`, speaking `version`.
    public static func frame(_ type: MessageTypeID, from identity: NodeIdentity, version: UInt8 = protocolVersion) -> WireEnvelope {
        let payload = (try? BinaryEncoder().encode(Greeting(version: version, identity: identity))) ?? []
        return WireEnvelope(kind: .system, recipient: "", messageType: type, payload: payload)
    }

    private var rejection: [Directive] {
        if case .rejected(let reason) = state { return [.reject(reason)] }
        return []
    }

    private mutating func reject(_ reason: String) -> [Directive] {
        state = .rejected(reason)
        return [.reject(reason)]
    }

    /// The identity in a handshake frame of `type`, if the frame is one and checks out; otherwise
    /// moves to `.rejected` and returns `nil`.
    private mutating func checked(_ envelope: WireEnvelope, expecting type: MessageTypeID, peerCertificateName: String?) -> NodeIdentity? {
        guard envelope.kind == .system, envelope.messageType == type else {
            _ = reject("expected a handshake frame (\(type.name ?? "\(type)")), got a \(envelope.kind) frame")
            return nil
        }
        guard let greeting = try? BinaryDecoder().decode(Greeting.self, from: envelope.payload) else {
            _ = reject("the handshake frame could not be decoded")
            return nil
        }
        guard greeting.version == Self.protocolVersion else {
            _ = reject("the peer speaks protocol version \(greeting.version); this node speaks \(Self.protocolVersion)")
            return nil
        }
        if let peerCertificateName, peerCertificateName != greeting.identity.address.systemName {
            _ = reject("the peer claims to be '\(greeting.identity.address.systemName)', its certificate names '\(peerCertificateName)'")
            return nil
        }
        return greeting.identity
    }
}
