import DequeModule
import Logging
import Synchronization

/// The type-independent part of an actor: identity, scheduling state, system messages, watchers.
///
/// Thread-safety: fields marked "guarded" are read and written only while `mutex` is held; fields
/// marked "drain-only" only by the thread that holds the cell's turn (`scheduled == true` and the
/// turn is running), which the mutex hands from thread to thread, so they need no lock of their own.
@usableFromInline
package class ActorCellBase: @unchecked Sendable {
    // Invariant: see the class comment; every mutable field is either guarded or drain-only.
    // Layout: cold fields first; the fields a `tell` touches (flags, lock, props) last, padded so
    // that they share one 64-byte cache line with the subclass's `inbox` and `inFlight` (offsets
    // 0x80-0x9f), away from the reference count in the object's first line. A tell to a cell that a
    // worker just drained then moves one contended line between cores, plus the reference count
    // when the sender retains the cell. `layoutPadding` must grow or shrink with the cold fields.
    @usableFromInline let id: ActorID
    @usableFromInline let system: ActorSystem
    @usableFromInline let parent: ActorCellBase?
    /// Runs one turn of the cell's specialised drain loop.
    @usableFromInline let runEntry: (ActorCellBase) -> TurnStats
    /// Guarded by the list's owner (the system's lock): links in the list of top-level actors.
    unowned(unsafe) var listPrevious: ActorCellBase?
    unowned(unsafe) var listNext: ActorCellBase?
    /// Guarded: watchers and the running async handler, allocated on first use.
    @usableFromInline @exclusivity(unchecked) var shared: SharedExtras?
    /// Drain-only: state that few actors need (children, timers, stash, logger, restart history).
    @usableFromInline @exclusivity(unchecked) var extras: CellExtras?
    /// Drain-only: the reply slot of the message being handled, for `stash()`.
    @usableFromInline @exclusivity(unchecked) unowned(unsafe) var currentReply: AnyReplySlot?
    /// Guarded.
    @usableFromInline @exclusivity(unchecked) var systemQueue = Deque<SystemMessage>()
    /// Guarded by the list's owner: whether the cell is in a list.
    var inList = false
    /// Guarded: the actor terminated because its system shut down (kept without allocating
    /// `shared` for the common reasons).
    var endedBySystemShutdown = false
    /// Whether the actor was ever registered under a reception key (so stopping must deregister).
    let receptionistKeys = Atomic<Bool>(false)
    /// Drain-only: the handler asked to stash the message it is handling.
    @usableFromInline @exclusivity(unchecked) var stashRequested = false
    /// Drain-only: a user message is being handled (so `stash()` has a message to stash).
    @usableFromInline @exclusivity(unchecked) var handlingMessage = false
    /// Drain-only: turns in a row that found the mailbox empty while the cell lingered.
    @usableFromInline @exclusivity(unchecked) var emptyTurns: UInt8 = 0
    /// Unused: places the fields below on the cache line of the subclass's inbox (see the layout
    /// comment at the top).
    private let layoutPadding: (UInt64, UInt64) = (0, 0)
    /// Set when a system message is queued, cleared by the drain; read without the lock between
    /// user messages so that a stop is not delayed by a long batch.
    @usableFromInline let systemPending = Atomic<Bool>(false)
    /// Guarded.
    @usableFromInline @exclusivity(unchecked) var lifecycle = Lifecycle.running
    /// Guarded: the cell is queued on its dispatcher or running a turn (or handling an inline ask).
    @usableFromInline @exclusivity(unchecked) var scheduled = false
    /// Guarded: the turn belongs to a lingering entry in a run queue (see ``TurnStats/lingers``);
    /// an inline ask may take it over (the entry then goes stale).
    @usableFromInline @exclusivity(unchecked) var lingering = false
    /// Guarded: a lingering entry for this cell is in a run queue, live or stale; at most one is.
    @usableFromInline @exclusivity(unchecked) var lingerQueued = false
    /// Guards the fields marked "guarded"; a spin lock, stored inline so an idle actor needs no
    /// separate allocation for it, and held only for a few instructions at a time.
    @usableFromInline let mutex = SpinLock()
    /// The spawn settings; `tell` reads the mailbox capacity and the dispatcher from them.
    @usableFromInline let props: CellProps

    @usableFromInline
    init(id: ActorID, system: ActorSystem, props: CellProps, parent: ActorCellBase?, runEntry: @escaping (ActorCellBase) -> TurnStats) {
        self.id = id
        self.system = system
        self.props = props
        self.parent = parent
        self.runEntry = runEntry
    }

    /// The actor's name, if it was registered under one.
    @usableFromInline
    var name: String? { props.name }

    /// The dispatcher the cell runs on.
    @inlinable
    var dispatcher: any MessageDispatcher { props.dispatcher }

    /// How the actor appears in logs and errors: its name, or its id.
    var label: String { props.name ?? id.description }

    /// The actor's place in the parent-child tree, e.g. `/user/counter/main/$12`.
    package var path: String {
        let segment = props.name ?? id.description
        if let parent { return parent.path + "/" + segment }
        return "/user/" + segment
    }

    /// The actor type's name, for errors.
    var behaviorTypeName: String { "actor" }

    /// Runs one turn on the calling dispatcher thread.
    @inline(__always)
    package final func runTurn() -> TurnStats {
        runEntry(self)
    }

    /// The cell whose async handler is running on the current task, for ask-cycle detection.
    /// Tasks started by the handler inherit the value, so it also names the handler's own task.
    @TaskLocal static var current: AsyncHandlerMarker?

    /// A worker took this cell's lingering entry from its queue: returns whether the entry still
    /// owns the turn (it does unless an inline ask took the turn meanwhile).
    final func resumeLingering() -> Bool {
        mutex.lock()
        lingerQueued = false
        let owns = lingering
        lingering = false
        mutex.unlock()
        return owns
    }

    /// Queues a system message, scheduling the cell if it was idle. After termination the message
    /// is handled by ``handleAfterTermination(_:)`` instead.
    final func sendSystem(_ message: SystemMessage) {
        mutex.lock()
        if lifecycle == .terminated {
            mutex.unlock()
            handleAfterTermination(message)
            return
        }
        systemQueue.append(message)
        systemPending.store(true, ordering: .releasing)
        let wasIdle = !scheduled
        scheduled = true
        var cancel: Task<Void, Never>?
        if case .stop = message { cancel = shared?.asyncTask }
        mutex.unlock()
        cancel?.cancel()
        if wasIdle { dispatcher.schedule(self) }
    }

    /// A system message that arrived after termination.
    final func handleAfterTermination(_ message: SystemMessage) {
        if case .escalated(let child, let error) = message {
            system.logger.debug("escalated failure reached a stopped actor", metadata: [
                "actor.path": "\(path)", "actor.child": "\(child)", "error": "\(error)",
            ])
        }
    }

    /// Registers `watcher` to be told when this actor terminates; tells it at once if it already has.
    final func addWatcher(_ key: WatcherKey, _ notify: @escaping @Sendable (ActorTerminated) -> Void) {
        mutex.lock()
        if lifecycle == .terminated {
            let reason = shared?.finalReason ?? (endedBySystemShutdown ? .systemShutdown : .stopped)
            mutex.unlock()
            notify(ActorTerminated(id: id, name: name, reason: reason))
            return
        }
        ensureShared.watchers.append((key, notify))
        mutex.unlock()
    }

    /// Removes every registration of `key`.
    final func removeWatcher(_ key: WatcherKey) {
        mutex.withLock {
            shared?.watchers.removeAll { $0.0 == key }
        }
    }

    /// The guarded extras, allocated on first use; call with `mutex` held.
    final var ensureShared: SharedExtras {
        if let shared { return shared }
        let created = SharedExtras()
        shared = created
        return created
    }

    /// The drain-only extras, allocated on first use.
    @usableFromInline
    final var ensureExtras: CellExtras {
        if let extras { return extras }
        let created = CellExtras()
        extras = created
        return created
    }
}

/// What one turn did, for the metrics a worker aggregates before reporting (never per message).
@usableFromInline
package struct TurnStats {
    /// Messages moved from the inbox into the turn's batch (they count as queued until handled).
    @usableFromInline package var taken: Int
    /// Messages handled.
    @usableFromInline package var handled: Int
    /// The turn emptied the mailbox but the cell stays scheduled: the dispatcher must queue it
    /// again. While it waits in the queue, a sender only appends to its mailbox, without
    /// scheduling it (no run-queue push, no cache line shared with the worker). It goes idle after
    /// ``MessageDispatcher/lingerTurns`` turns in a row that found nothing. An inline ask may take
    /// the turn of a lingering cell (its queue entry then goes stale, see ``QueuedCell``).
    @usableFromInline package var lingers: Bool

    @inlinable
    init(taken: Int = 0, handled: Int = 0, lingers: Bool = false) {
        self.taken = taken
        self.handled = handled
        self.lingers = lingers
    }
}

/// Marks the tasks of reentrant handlers, which run beside the actor's turn and so must not touch
/// its turn-only state (children, timers, watches, stash).
enum ReentrantMarker {
    @TaskLocal static var active = false
}

extension ActorCellBase {
    /// Drops what a `preStart` that then threw left behind: timers and watches.
    func abandonTurnState() {
        guard let extras else { return }
        for (_, timer) in extras.timers { timer.handle.cancel() }
        extras.timers.removeAll()
        for (target, key) in extras.watching { target.removeWatcher(key) }
        extras.watching = []
    }

    /// Refuses a turn-only context operation from a reentrant handler.
    @usableFromInline
    func checkOnTurn(_ operation: String) throws {
        if ReentrantMarker.active {
            throw ActorError(.invalidState, "\(operation) is not available in a reentrant handler of \(label): it runs beside the actor's turn; send a message to self instead")
        }
    }

    /// Traps on a turn-only context operation from a reentrant handler (for calls that cannot throw).
    func preconditionOnTurn(_ operation: String) {
        precondition(!ReentrantMarker.active, "\(operation) is not available in a reentrant handler of \(label): it runs beside the actor's turn; send a message to self instead")
    }
}

/// Which actor's async handler runs on which task.
@usableFromInline
struct AsyncHandlerMarker: Sendable {
    let cell: ActorCellBase
    let task: Int?

    /// The actor whose handler is the current task itself (not a task it started), if any.
    static var currentActor: ActorCellBase? {
        guard let marker = ActorCellBase.current, let task = marker.task else { return nil }
        let current = withUnsafeCurrentTask { $0?.hashValue }
        return current == task ? marker.cell : nil
    }
}

/// Identifies one watch registration, so that `unwatch` can remove it.
@usableFromInline
struct WatcherKey: Hashable, Sendable {
    let watcher: ActorID?
    let token: UInt64
}

/// Guarded state that few actors need: watchers, why the actor terminated, its running async handler.
@usableFromInline
final class SharedExtras {
    var watchers: [(WatcherKey, @Sendable (ActorTerminated) -> Void)] = []
    var finalReason: TerminationReason?
    var asyncTask: Task<Void, Never>?
}
