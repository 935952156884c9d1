import TroupeCore

/// One message a ``TestProbe`` received, with the ask that sent it, if any.
///
/// Answer an ask with ``reply(_:)`` or ``fail(_:)``: the asker gets the reply as if the actor the
/// probe stands in for had handled the message. An ask left unanswered times out at the asker.
public struct ProbeMessage<Message: Sendable>: Sendable {
    /// The message.
    public let message: Message
    /// The asker's reply handle (``ReplyHandle/none`` for a told message).
    public let replyHandle: ReplyHandle

    /// Creates a received message (the probe does this; public for custom harnesses).
    public init(message: Message, replyHandle: ReplyHandle) {
        self.message = message
        self.replyHandle = replyHandle
    }

    /// Whether the message was asked (someone waits for a reply).
    public var isAsk: Bool { replyHandle.isRequested }

    /// Replies to the ask with `value`. The asker must expect a `V`, or it fails with
    /// ``ActorError/Code/replyTypeMismatch``.
    public func reply<V: Sendable>(_ value: V) {
        replyHandle.succeed(value)
    }

    /// Fails the ask with `error`.
    public func fail(_ error: any Error) {
        replyHandle.fail(error)
    }
}

/// What ``TestProbe/fishForMessage(timeout:fileID:line:_:)`` does with each message it receives.
public enum FishingOutcome: Sendable {
    /// This is the message sought: stop fishing.
    case complete
    /// Keep the message (it is returned) and go on fishing.
    case `continue`
    /// Drop the message and go on fishing.
    case ignore
    /// Stop fishing and fail with this reason.
    case fail(String)
}

/// An actor type that only receives messages of type `Message` and does nothing with them. Spawn a
/// ``TestProbe`` of it to receive plain values: `TestProbe<MessageSink<Event>>`.
public struct MessageSink<Message: Sendable>: ActorBehavior {
    /// Creates the sink.
    public init() {}

    public mutating func receiveSynchronously(_ message: Message, reply: ReplyHandle, context: ActorContext<MessageSink>) throws -> Bool {
        true
    }

    public mutating func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<MessageSink>) async throws {}
}
