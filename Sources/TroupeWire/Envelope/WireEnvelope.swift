/// A message as it travels between nodes: who it is for, who sent it, what type its payload is,
/// how it correlates with an ask, its trace context, and the encoded message itself.
///
/// The payload is opaque here: the remoting layer encodes a message (for example with
/// ``BinaryEncoder``) and looks up the decoder for ``messageType`` on arrival. See
/// ``serialize(into:)`` for the byte layout, and ``FrameEncoder``/``FrameDecoder`` for how
/// envelopes are framed on a byte stream.
public struct WireEnvelope: Hashable, Sendable {
    /// The layout version this build writes, and the only one it reads (the first byte of every
    /// serialized envelope). Bumped whenever the layout changes.
    public static let currentVersion: UInt8 = 1

    /// What the envelope is for: tell, ask, reply, failure or system message.
    public var kind: Kind
    /// The path (label) of the recipient actor on the receiving node, for example `"counter/main"`.
    public var recipient: String
    /// The path of the sending actor, if the message came from an actor that can receive replies.
    public var sender: String?
    /// The id of the payload's message type.
    public var messageType: MessageTypeID
    /// Matches a reply or failure to its ask; `0` means none.
    public var correlationID: UInt64
    /// Trace context propagated with the message (empty if none).
    public var traceContext: TraceContext
    /// The encoded message.
    public var payload: [UInt8]

    /// Creates an envelope.
    public init(
        kind: Kind,
        recipient: String,
        sender: String? = nil,
        messageType: MessageTypeID,
        correlationID: UInt64 = 0,
        traceContext: TraceContext = TraceContext(),
        payload: [UInt8] = []
    ) {
        self.kind = kind
        self.recipient = recipient
        self.sender = sender
        self.messageType = messageType
        self.correlationID = correlationID
        self.traceContext = traceContext
        self.payload = payload
    }
}

extension WireEnvelope {
    /// The kind of an envelope, one byte on the wire.
    ///
    /// A struct rather than an enum so that kinds can be added without breaking `switch`es; a
    /// kind byte this build does not know makes decoding fail with ``WireError/Code/malformed``
    /// (a new kind comes with a new ``WireEnvelope/currentVersion``).
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Value: UInt8, Sendable {
            case tell = 1, ask = 2, reply = 3, failure = 4, system = 5
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The kind for a wire byte, or `nil` if the byte names no kind this build knows.
        init?(wireValue: UInt8) {
            guard let value = Value(rawValue: wireValue) else { return nil }
            self.value = value
        }

        /// A one-way message; no reply is expected.
        public static let tell = Kind(.tell)
        /// A request; the recipient answers with a ``reply`` or a ``failure`` carrying the same
        /// ``WireEnvelope/correlationID``.
        public static let ask = Kind(.ask)
        /// The successful answer to an ``ask``.
        public static let reply = Kind(.reply)
        /// The failed answer to an ``ask`` (the payload describes the error).
        public static let failure = Kind(.failure)
        /// A runtime message (watch, terminated, heartbeat, ...) rather than a user message.
        public static let system = Kind(.system)

        /// The byte written on the wire.
        public var wireValue: UInt8 { value.rawValue }

        public var description: String { "\(value)" }
    }
}
