import Logging

/// Drain-only state that most actors never need, allocated on first use so that an idle actor stays
/// small. Only the thread holding the cell's turn touches it.
@usableFromInline
final class CellExtras {
    /// Children by id; iterated in id order so that stopping is deterministic.
    var children: [ActorID: ActorCellBase] = [:]
    /// Active timers by key.
    var timers: [TimerKey: ActiveTimer] = [:]
    /// Generation counter for timers, so that a cancelled timer's late firing is ignored.
    var timerGeneration: UInt64 = 0
    /// The stash (a `StashBuffer<Message>`), created on first `stash()`.
    var stash: AnyObject?
    /// Recent restarts, for the restart limit and backoff.
    var restarts = RestartHistory()
    /// The actor's logger, created on first use.
    var logger: Logger?
    /// Set once stopping began: why.
    var stopReason: TerminationReason?
    /// Signals that arrived during a restart backoff, for the fresh instance.
    var deferredSignals: [ActorSignal] = []
    /// Watches this actor registered on others, removed when it stops.
    var watching: [(ActorCellBase, WatcherKey)] = []
    /// Tasks running reentrant handlers.
    var reentrantTasks: [UInt64: Task<Void, Never>] = [:]
    var nextReentrantToken: UInt64 = 0

    var sortedChildren: [ActorCellBase] {
        children.keys.sorted().compactMap { children[$0] }
    }

    /// Cancels the reentrant handlers' tasks in the order they started: cancellation handlers run
    /// synchronously, so the order must not depend on dictionary layout (a simulation replays it).
    func cancelReentrantTasks() {
        for token in reentrantTasks.keys.sorted() {
            reentrantTasks[token]?.cancel()
        }
    }
}

/// A running timer of one actor.
struct ActiveTimer {
    let generation: UInt64
    let handle: ScheduledTimer
    /// Delivers the timer's message to the actor's handler (type-erased).
    let deliver: () -> HandleOutcome
    /// For periodic timers, the interval to the next firing.
    let interval: Duration?
    let deadline: ActorInstant
}
