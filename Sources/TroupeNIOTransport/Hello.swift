import TroupeWire

/// The first frame on every connection: who is calling, in which version of the protocol. The
/// receiver checks it before delivering anything else from that connection.
struct Hello: Codable, Sendable, Equatable {
    /// The message type of a hello frame.
    static let typeID = MessageTypeID(name: "troupe.transport.Hello")
    /// The protocol version this build speaks.
    static let protocolVersion: UInt8 = 1

    var version: UInt8
    var identity: NodeIdentity

    /// The hello as a frame.
    func envelope() throws -> WireEnvelope {
        WireEnvelope(kind: .system, recipient: "", messageType: Self.typeID, payload: try BinaryEncoder().encode(self))
    }

    /// Reads a hello from the first frame of a connection, refusing anything else.
    init(from envelope: WireEnvelope) throws(TransportError) {
        guard envelope.kind == .system, envelope.messageType == Self.typeID else {
            throw TransportError(.protocolViolation, "the first frame of a connection must be a hello, got a \(envelope.kind) frame")
        }
        do {
            self = try BinaryDecoder().decode(Hello.self, from: envelope.payload)
        } catch {
            throw TransportError(.protocolViolation, "the hello frame could not be decoded", underlying: error)
        }
        guard version == Self.protocolVersion else {
            throw TransportError(.protocolViolation, "the peer speaks protocol version \(version); this node speaks \(Self.protocolVersion)")
        }
    }

    init(version: UInt8 = Hello.protocolVersion, identity: NodeIdentity) {
        self.version = version
        self.identity = identity
    }
}
