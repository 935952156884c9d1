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

    init(name: String?, mailbox: MailboxSettings, supervision: SupervisionStrategy, dispatcher: any MessageDispatcher) {
        self.name = name
        self.mailbox = mailbox
        self.capacity = mailbox.capacity ?? .max
        self.supervision = supervision
        self.dispatcher = dispatcher
        self.dispatcherOwner = dispatcher
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
