/// An error from the wire layer: a bad frame or envelope, a value the binary codec cannot encode or
/// decode, or an address that does not parse.
///
/// Bad input from the network always ends here, never in a crash. Match on ``code``
/// (`error.code == .frameTooLarge`); ``message`` is written for people; ``offset`` says where in
/// the input the problem was found, when that is known.
public struct WireError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure. New kinds may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case frameTooLarge, unsupportedVersion, truncated, malformed
            case typeMismatch, keyNotFound, valueOutOfRange, nestingTooDeep, invalidValue, unsupported
            case invalidAddress
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// A frame's length (announced or actual) is over the maximum frame size.
        public static let frameTooLarge = Code(.frameTooLarge)
        /// An envelope was written in a protocol version this build does not speak.
        public static let unsupportedVersion = Code(.unsupportedVersion)
        /// The input ended in the middle of a field.
        public static let truncated = Code(.truncated)
        /// The input is not well formed: an unknown tag or kind, invalid UTF-8, a varint that
        /// overflows, a length that points past its container, trailing bytes, ...
        public static let malformed = Code(.malformed)
        /// The binary codec found another kind of value than the one being decoded.
        public static let typeMismatch = Code(.typeMismatch)
        /// A keyed container has no entry for a key that a non-optional property needs.
        public static let keyNotFound = Code(.keyNotFound)
        /// A decoded number does not fit the type being decoded (for example 300 into a `UInt8`).
        public static let valueOutOfRange = Code(.valueOutOfRange)
        /// Containers are nested deeper than the decoder's ``BinaryDecoder/maximumDepth``.
        public static let nestingTooDeep = Code(.nestingTooDeep)
        /// A value cannot be encoded, or an `Encodable` implementation used its encoder in a way
        /// the binary encoder does not allow (see ``BinaryEncoder``).
        public static let invalidValue = Code(.invalidValue)
        /// A `Codable` feature the binary codec does not implement (`superEncoder`, `superDecoder`).
        public static let unsupported = Code(.unsupported)
        /// A string is not a valid ``NodeAddress``.
        public static let invalidAddress = Code(.invalidAddress)

        public var description: String { value.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What happened, for people.
    public let message: String
    /// The byte offset in the input at which the problem was found, if known.
    public let offset: Int?
    /// The error that caused this one, if any.
    public let underlying: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, offset: Int? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
        self.underlying = underlying
    }

    public var description: String {
        var text = "WireError(\(code)): \(message)"
        if let offset { text += " (at byte \(offset))" }
        if let underlying { text += " (caused by: \(underlying))" }
        return text
    }
}
