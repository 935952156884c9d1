/// A message on its way through a mailbox, with the reply slot of the ask that sent it (if any).
@usableFromInline
struct Envelope<Message: Sendable>: Sendable {
    @usableFromInline
    var message: Message
    @usableFromInline
    var reply: AnyReplySlot?

    @inlinable
    init(_ message: Message, reply: AnyReplySlot?) {
        self.message = message
        self.reply = reply
    }
}

/// Messages from the runtime to a cell. They bypass the mailbox bound and are handled before user
/// messages.
@usableFromInline
enum SystemMessage: Sendable {
    /// Stop (children first).
    case stop(TerminationReason)
    /// A restart's backoff has elapsed: re-create the actor and resume.
    case restartAfterBackoff
    /// A watched actor terminated.
    case terminated(ActorTerminated)
    /// A child terminated.
    case childTerminated(ActorID)
    /// A child failed and its strategy escalated: fail as if this actor had thrown `error`.
    case escalated(child: String, error: any Error)
    /// A timer of this actor fired.
    case timerFired(key: TimerKey, generation: UInt64)
    /// A reentrant handler finished.
    case reentrantFinished(UInt64)
    /// The actor asked to stop itself (a `permanent` actor restarts instead).
    case selfStop
}
