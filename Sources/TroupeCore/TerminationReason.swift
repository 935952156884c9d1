/// Why an actor stopped, as told to its watchers.
public struct TerminationReason: Sendable, CustomStringConvertible {
    /// The kind of termination. New kinds may be added; switch with a `default`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case stopped, failed, restartLimitExceeded, systemShutdown
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Stopped on request: by itself, its parent, or `ref.stop()`.
        public static let stopped = Kind(.stopped)
        /// A handler threw and its supervision strategy stopped it.
        public static let failed = Kind(.failed)
        /// It failed more often than its strategy allows within the window.
        public static let restartLimitExceeded = Kind(.restartLimitExceeded)
        /// Its actor system shut down.
        public static let systemShutdown = Kind(.systemShutdown)

        public var description: String { value.rawValue }
    }

    /// The kind of termination.
    public let kind: Kind
    /// The error behind a failure, if any.
    public let error: (any Error)?

    /// Creates a reason.
    public init(_ kind: Kind, error: (any Error)? = nil) {
        self.kind = kind
        self.error = error
    }

    /// Stopped on request.
    public static let stopped = TerminationReason(.stopped)
    /// Stopped because the system shut down.
    public static let systemShutdown = TerminationReason(.systemShutdown)

    /// Whether the actor stopped because of a failure.
    public var isFailure: Bool {
        kind == .failed || kind == .restartLimitExceeded
    }

    public var description: String {
        if let error { return "\(kind): \(error)" }
        return kind.description
    }
}

/// An actor's id, unique within its system for the system's lifetime.
public struct ActorID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The number behind the id.
    public let value: UInt64

    /// Wraps a raw id (ids are handed out by the system; make one yourself only in tests).
    @inlinable
    public init(_ value: UInt64) { self.value = value }

    public static func < (lhs: ActorID, rhs: ActorID) -> Bool { lhs.value < rhs.value }

    public var description: String { "$\(value)" }
}
