/// How an actor's mailbox holds messages that arrive faster than they are handled.
public struct MailboxSettings: Sendable, Equatable {
    /// What a bounded mailbox does with a message that arrives when it is full.
    public enum Overflow: Sendable, Equatable {
        /// `send` suspends the sender until there is room; `tell` drops the message to dead letters.
        case suspendSender
        /// The arriving message goes to dead letters.
        case dropNewest
        /// The oldest queued message goes to dead letters to make room.
        case dropOldest
        /// `send` and `ask` throw ``ActorError/Code/mailboxFull``; `tell` drops to dead letters.
        case fail
    }

    /// The most user messages the mailbox holds, or `nil` for no bound.
    public let capacity: Int?
    /// What happens when a bounded mailbox is full.
    public let overflow: Overflow

    /// No bound (the default): senders never wait and nothing is dropped, at the cost of memory when
    /// a producer outruns its consumer.
    public static let unbounded = MailboxSettings(capacity: nil, overflow: .fail)

    /// At most `capacity` queued user messages; system messages (stop, watch, terminated) are not
    /// counted, so a full mailbox can always be stopped.
    public static func bounded(_ capacity: Int, overflow: Overflow = .suspendSender) -> MailboxSettings {
        precondition(capacity > 0, "a bounded mailbox needs a capacity above zero, got \(capacity)")
        return MailboxSettings(capacity: capacity, overflow: overflow)
    }

    private init(capacity: Int?, overflow: Overflow) {
        self.capacity = capacity
        self.overflow = overflow
    }
}
