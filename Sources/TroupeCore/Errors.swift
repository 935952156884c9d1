/// An error raised by the actor runtime: a failed ask, a rejected spawn, a failed lookup.
///
/// Match on ``code`` to tell kinds apart (`error.code == .askTimedOut`); ``message`` is written for
/// people and names the actors involved.
public struct ActorError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure. New kinds may be added; switch with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case askTimedOut, actorStopped, mailboxFull, askCycle, replyTypeMismatch
            case duplicateName, invalidName, nameNotFound, wrongActorType
            case systemShutDown, stashFull, invalidSettings, invalidState
            case nodeUnreachable, remoteFailure, notSerializable
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// An ask got no reply within its timeout.
        public static let askTimedOut = Code(.askTimedOut)
        /// The actor stopped before it could handle the message.
        public static let actorStopped = Code(.actorStopped)
        /// The actor's bounded mailbox is full and its overflow strategy refused the message.
        public static let mailboxFull = Code(.mailboxFull)
        /// Asks form a cycle (A asks B while B asks A) that could only end in a silent hang.
        public static let askCycle = Code(.askCycle)
        /// A reply did not have the type the asker expected (a hand-written `ask` named the wrong type).
        public static let replyTypeMismatch = Code(.replyTypeMismatch)
        /// Another live actor is already registered under the name.
        public static let duplicateName = Code(.duplicateName)
        /// The name is empty or contains characters a name cannot have.
        public static let invalidName = Code(.invalidName)
        /// No live actor is registered under the name.
        public static let nameNotFound = Code(.nameNotFound)
        /// The actor registered under the name is of another type than the one asked for.
        public static let wrongActorType = Code(.wrongActorType)
        /// The actor system is shutting down or has shut down.
        public static let systemShutDown = Code(.systemShutDown)
        /// The actor's stash is at capacity.
        public static let stashFull = Code(.stashFull)
        /// A setting is out of range.
        public static let invalidSettings = Code(.invalidSettings)
        /// The operation is not possible in the actor's current state (for example `stash()`
        /// outside a message handler, or a context call from a reentrant handler).
        public static let invalidState = Code(.invalidState)

        /// The connection to the node of a remote actor was lost (or could not be made) while the
        /// ask was pending: it fails at once, and the message may or may not have been handled.
        public static let nodeUnreachable = Code(.nodeUnreachable)
        /// A remote actor's handler threw; ``ActorError/message`` carries the error's description.
        public static let remoteFailure = Code(.remoteFailure)
        /// A message or reply could not cross the wire: its type is not registered for remote use,
        /// or it could not be encoded or decoded.
        public static let notSerializable = Code(.notSerializable)

        /// The code's name, as it travels in a remote failure.
        public var name: String { value.rawValue }

        /// The code named `name`, if there is one (a remote failure's code, decoded).
        package init?(name: String) {
            guard let value = Value(rawValue: name) else { return nil }
            self.value = value
        }

        public var description: String { value.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What happened, for people.
    public let message: String
    /// The error that caused this one, if any.
    public let underlying: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        if let underlying { return "ActorError(\(code)): \(message) (caused by: \(underlying))" }
        return "ActorError(\(code)): \(message)"
    }
}
