/// The settings one `spawn` gave a cell, shared by every cell spawned with the defaults, so that an
/// idle actor stays small.
@usableFromInline
final class CellProps: Sendable {
    @usableFromInline
    let name: String?
    @usableFromInline
    let capacity: Int
    @usableFromInline
    let mailbox: MailboxSettings
    let supervision: SupervisionStrategy
    /// The dispatcher, read on every schedule without reference counting: a retain/release of the
    /// shared dispatcher from every thread on every message would bounce its cache line.
    /// `dispatcherOwner` keeps it alive.
    @usableFromInline
    unowned(unsafe) let dispatcher: any MessageDispatcher
    let dispatcherOwner: any MessageDispatcher
    /// A recording cell's `DirectDelivery<A.Message>`, when it hands messages on from the sending
    /// thread without queueing them (a remote ref). Its `capacity` is then 0, so that `offer`
    /// meets it only on the branch it takes for a full mailbox, never on an actor's hot path.
    @usableFromInline
    let directDelivery: (any AnyObject & Sendable)?

    init(
        name: String?, mailbox: MailboxSettings, supervision: SupervisionStrategy, dispatcher: any MessageDispatcher,
        directDelivery: (any AnyObject & Sendable)? = nil
    ) {
        self.name = name
        self.mailbox = mailbox
        self.capacity = directDelivery == nil ? (mailbox.capacity ?? .max) : 0
        self.supervision = supervision
        self.dispatcher = dispatcher
        self.dispatcherOwner = dispatcher
        self.directDelivery = directDelivery
    }
}

/// Where a cell is in its life.
@usableFromInline
enum Lifecycle: UInt8, Sendable {
    /// Handling messages.
    case running
    /// Waiting out a restart backoff: user messages queue up, system messages are handled.
    case suspended
    /// Stopping: waiting for its children to stop; new user messages go to dead letters.
    case stopping
    /// Stopped for good.
    case terminated
}
