import Logging
import Synchronization

/// A message that could not be delivered, as published on the event stream. It names the
/// message's type and the reason, never the payload.
public struct DeadLetter: Sendable, CustomStringConvertible {
    /// The intended recipient's name or id.
    public let recipient: String
    /// The intended recipient's id.
    public let recipientID: ActorID
    /// The message's type.
    public let messageType: String
    /// Why it was not delivered.
    public let reason: String

    /// Creates a dead letter (the runtime and transports do).
    package init(recipient: String, recipientID: ActorID, messageType: String, reason: String) {
        self.recipient = recipient
        self.recipientID = recipientID
        self.messageType = messageType
        self.reason = reason
    }

    public var description: String {
        "DeadLetter(\(messageType) to \(recipient): \(reason))"
    }
}

/// Published on the event stream each time a supervisor restarts an actor.
public struct ActorRestarted: Sendable, CustomStringConvertible {
    /// The actor's id.
    public let id: ActorID
    /// Its name, if registered.
    public let name: String?
    /// Its place in the tree.
    public let path: String
    /// The failure that caused the restart.
    public let error: any Error

    public var description: String {
        "ActorRestarted(\(name ?? path): \(error))"
    }
}

/// Where undeliverable messages go: counted, logged at debug, published on the event stream.
public final class DeadLetters: Sendable {
    private let eventStream: EventStream
    private let metrics: SystemMetrics
    private let logger: Logger
    private let total = Atomic<Int>(0)

    init(eventStream: EventStream, metrics: SystemMetrics, logger: Logger) {
        self.eventStream = eventStream
        self.metrics = metrics
        self.logger = logger
    }

    /// How many dead letters the system has had.
    public var count: Int {
        total.load(ordering: .relaxed)
    }

    package func publish(_ deadLetter: DeadLetter) {
        total.add(1, ordering: .relaxed)
        metrics.deadLetter()
        logger.debug("dead letter", metadata: [
            "actor.recipient": "\(deadLetter.recipient)",
            "message.type": "\(deadLetter.messageType)",
            "dead_letter.reason": "\(deadLetter.reason)",
        ])
        eventStream.publish(deadLetter)
    }
}
