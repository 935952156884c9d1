/// Where cells' mailboxes are drained. A cell with messages is scheduled once; the dispatcher runs
/// its turn (up to `throughput` messages) on one of its threads.
///
/// `package` so that the test kit can provide a deterministic, single-threaded one.
@usableFromInline
package protocol MessageDispatcher: AnyObject, Sendable {
    /// Queues `cell` for one turn. Called at most once per idle-to-scheduled transition.
    func schedule(_ cell: ActorCellBase)
    /// Whether other cells are waiting for a thread; a cell that used up its turn's budget keeps
    /// going when none are, instead of going through the queue.
    var hasWaitingCells: Bool { get }
    /// Requeues a cell that used up its budget, from the thread running it: that thread takes the
    /// next cell right after, so no sleeping worker is woken.
    func requeue(_ cell: ActorCellBase)
    /// Whether an ask to an idle actor on this dispatcher may run its handler inline on the asker.
    var allowsInlineAsk: Bool { get }
    /// Messages a cell handles per turn before it yields its thread.
    var throughput: Int { get }
    /// How many turns in a row a cell may find its mailbox empty and stay queued (see
    /// ``TurnStats/lingers``) before it goes idle; 0 for a dispatcher that never requeues a cell
    /// without work.
    var lingerTurns: Int { get }
    /// Stops the dispatcher's threads once their queues are empty.
    func shutdown()
    /// Where the tasks the runtime starts for this dispatcher's actors (async handlers, reentrant
    /// handlers) run, or `nil` for Swift's global executor. A deterministic dispatcher returns
    /// itself, so that every step of a simulation runs on its one thread in a seeded order.
    var taskExecutor: (any TaskExecutor)? { get }
}

extension MessageDispatcher {
    package var lingerTurns: Int { 0 }
}

/// Which dispatcher an actor runs on.
public struct DispatcherSelection: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case shared
        case pinned
    }
    let kind: Kind

    /// The system's shared pool of worker threads (the default).
    public static let shared = DispatcherSelection(kind: .shared)
    /// A dedicated thread for this actor alone: for handlers that block (file I/O, C libraries).
    /// An ask to it never runs inline on the asker, so blocking work stays off Swift's
    /// cooperative pool.
    public static let pinned = DispatcherSelection(kind: .pinned)
}
