import Logging

/// What a handler can do besides changing its state: reach its own ref and system, spawn and stop
/// children, watch other actors, start timers, stash messages, log.
///
/// - Warning: Use a context only inside the handler (or hook) it was passed to, on the actor's
///   turn. Do not capture it in a task that outlives the handler. A reentrant handler runs beside
///   the turn: there, `spawn` and `stash()` throw ``ActorError/Code/invalidState`` and timers,
///   watches and `unstashAll()` trap; its ref, system, clock and logger are fine.
public struct ActorContext<A: ActorBehavior>: Sendable {
    @usableFromInline
    let cell: ActorCell<A>

    @inlinable
    init(cell: ActorCell<A>) {
        self.cell = cell
    }

    /// This actor's own ref.
    public var ref: ActorRef<A> { ActorRef(cell: cell) }

    /// The system this actor lives in.
    public var system: ActorSystem { cell.system }

    /// This actor's id.
    public var id: ActorID { cell.id }

    /// The name this actor is registered under, if any.
    public var name: String? { cell.name }

    /// This actor's place in the parent-child tree.
    public var path: String { cell.path }

    /// A logger with this actor's path as metadata (`actor.path`). Created on first use.
    public var logger: Logger { cell.logger }

    /// The system's clock: read time from here, never from the wall clock, so tests can control it.
    public var clock: any ActorClock { cell.system.clock }

    // MARK: Children

    /// Spawns a child: it stops when this actor stops (children first) or restarts, and its
    /// escalated failures come to this actor. See ``ActorSystem/spawn(_:name:options:)``.
    @inlinable
    @discardableResult
    public func spawn<C: ActorBehavior>(
        _ actor: @autoclosure @escaping @Sendable () throws -> C,
        name: String? = nil,
        options: SpawnOptions = .default
    ) throws -> ActorRef<C> {
        try cell.checkOnTurn("spawn")
        let child = try cell.system.spawn(factory: actor, name: name, options: options, parent: cell)
        cell.reportSpawn(of: child.cell, type: C.self)
        return child
    }

    /// This actor's live children.
    public var childCount: Int { cell.extras?.children.count ?? 0 }

    // MARK: Stopping

    /// Stops this actor once the current message is handled (children first). A `permanent`
    /// actor is restarted instead.
    public func stop() {
        cell.report(.stopSelf)
        cell.sendSystem(.selfStop)
    }

    /// Stops a child (or any actor) as ``ActorRef/stop()`` does.
    public func stop<C>(_ child: ActorRef<C>) {
        cell.report(.stopOther(path: child.path))
        child.stop()
    }

    // MARK: Death watch

    /// Watches `other`: when it terminates, this actor's ``ActorBehavior/receiveSignal(_:context:)``
    /// gets ``ActorSignal/terminated(_:)``. Watching an actor that already terminated signals at once.
    public func watch<C>(_ other: ActorRef<C>) {
        cell.preconditionOnTurn("watch")
        cell.report(.watched(path: other.path))
        let target = other.cell
        let key = WatcherKey(watcher: cell.id, token: cell.system.nextToken())
        cell.ensureExtras.watching.append((target, key))
        target.addWatcher(key) { [cell] terminated in
            cell.sendSystem(.terminated(terminated))
        }
    }

    /// Watches `other`: when it terminates, this actor receives the message `makeMessage` builds.
    public func watch<C>(_ other: ActorRef<C>, with makeMessage: @escaping @Sendable (ActorTerminated) -> A.Message) {
        cell.preconditionOnTurn("watch")
        cell.report(.watched(path: other.path))
        let target = other.cell
        let key = WatcherKey(watcher: cell.id, token: cell.system.nextToken())
        cell.ensureExtras.watching.append((target, key))
        target.addWatcher(key) { [cell] terminated in
            cell.tell(makeMessage(terminated))
        }
    }

    /// Stops watching `other`; no signal arrives for it afterwards (unless already queued).
    public func unwatch<C>(_ other: ActorRef<C>) {
        cell.preconditionOnTurn("unwatch")
        cell.report(.unwatched(path: other.path))
        let target = other.cell
        guard let extras = cell.extras else { return }
        for (watched, key) in extras.watching where watched === target {
            target.removeWatcher(key)
        }
        extras.watching.removeAll { $0.0 === target }
    }

    // MARK: Timers

    /// After `delay`, this actor handles `message`; starting a timer under a `key` in use replaces it.
    public func startSingleTimer(_ key: TimerKey, message: A.Message, delay: Duration) {
        cell.preconditionOnTurn("startSingleTimer")
        cell.report(.timerStarted(key: key, delay: delay, interval: nil))
        cell.startTimer(key: key, message: message, delay: delay, interval: nil)
    }

    /// Every `interval` (first after `initialDelay`, default `interval`), this actor handles `message`.
    public func startPeriodicTimer(_ key: TimerKey, message: A.Message, interval: Duration, initialDelay: Duration? = nil) {
        precondition(interval > .zero, "a periodic timer needs a positive interval, got \(interval)")
        cell.preconditionOnTurn("startPeriodicTimer")
        cell.report(.timerStarted(key: key, delay: initialDelay ?? interval, interval: interval))
        cell.startTimer(key: key, message: message, delay: initialDelay ?? interval, interval: interval)
    }

    /// Cancels the timer `key`; its message is not delivered afterwards, even if it was due.
    public func cancelTimer(_ key: TimerKey) {
        cell.preconditionOnTurn("cancelTimer")
        cell.report(.timerCancelled(key: key))
        cell.cancelTimer(key: key)
    }

    /// Cancels every timer of this actor.
    public func cancelAllTimers() {
        cell.preconditionOnTurn("cancelAllTimers")
        cell.report(.allTimersCancelled)
        cell.cancelAllTimers()
    }

    /// Whether the timer `key` is running.
    public func isTimerActive(_ key: TimerKey) -> Bool {
        cell.isTimerActive(key: key)
    }

    // MARK: Stash

    /// Sets the message being handled aside, to be handled again after ``unstashAll()``. If it was
    /// an ask, its reply waits until then. Throws ``ActorError/Code/stashFull`` at the system's
    /// ``ActorSystemSettings/stashCapacity``.
    public func stash() throws {
        try cell.checkOnTurn("stash()")
        guard cell.handlingMessage else {
            throw ActorError(.invalidState, "stash() called outside a message handler of \(cell.label): there is no message to stash")
        }
        guard cell.stashedCount < cell.system.settings.stashCapacity else {
            throw ActorError(.stashFull, "the stash of \(cell.label) holds \(cell.system.settings.stashCapacity) messages already")
        }
        cell.stashRequested = true
        cell.currentReply?.isDeferred = true
    }

    /// Puts every stashed message back at the front of the mailbox, in the order they were stashed.
    public func unstashAll() {
        cell.preconditionOnTurn("unstashAll")
        cell.unstashAll()
    }

    /// How many messages are stashed.
    public var stashedCount: Int { cell.stashedCount }
}
