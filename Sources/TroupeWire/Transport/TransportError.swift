/// An error from a ``MessageTransport``: a send or start that cannot be done, or the reason an
/// association was lost.
///
/// Match on ``code``; ``message`` is written for people and names the addresses involved.
public struct TransportError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure. New kinds may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case unknownAddress, unreachable, frameTooLarge, closed, notStarted, alreadyStarted, addressInUse, partitioned
            case connectionFailed, protocolViolation
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Nothing listens at the address.
        public static let unknownAddress = Code(.unknownAddress)
        /// The address is known but cannot be reached now.
        public static let unreachable = Code(.unreachable)
        /// The envelope is larger than the maximum frame size.
        public static let frameTooLarge = Code(.frameTooLarge)
        /// The transport has been closed.
        public static let closed = Code(.closed)
        /// The transport has not been started.
        public static let notStarted = Code(.notStarted)
        /// The transport was already started.
        public static let alreadyStarted = Code(.alreadyStarted)
        /// Another endpoint already listens at the address.
        public static let addressInUse = Code(.addressInUse)
        /// A (simulated) network partition cut the association.
        public static let partitioned = Code(.partitioned)
        /// A connection could not be made or broke.
        public static let connectionFailed = Code(.connectionFailed)
        /// The peer sent bytes that are not valid frames (see ``WireError``); the connection was
        /// closed.
        public static let protocolViolation = Code(.protocolViolation)

        public var description: String { value.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What happened, for people.
    public let message: String
    /// The error that caused this one, if any (for example a ``WireError``).
    public let underlying: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        if let underlying { return "TransportError(\(code)): \(message) (caused by: \(underlying))" }
        return "TransportError(\(code)): \(message)"
    }
}
