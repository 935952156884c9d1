import Logging
import Synchronization

/// A running set of actors: spawn them, look them up, shut them all down.
///
/// ```swift
/// let system = ActorSystem(name: "demo")
/// let counter = try system.spawn(Counter(), name: "counter/main")
/// try await counter.increment(by: 5)
/// try await system.shutdown()
/// ```
///
/// A system owns a pool of worker threads (see ``ActorSystemSettings/dispatcherThreads``); call
/// ``shutdown()`` (or run it as a swift-service-lifecycle `Service`) to stop its actors and threads.
public final class ActorSystem: Sendable {
    /// The system's name, for logs.
    public let name: String
    /// The settings it was created with.
    public let settings: ActorSystemSettings
    /// The injected clock.
    public let clock: any ActorClock
    /// The system's logger.
    public let logger: Logger
    /// The seeded random source.
    public let random: SeededRandom
    /// Lookup and subscription by name and reception key.
    public let receptionist: Receptionist
    /// Typed publish/subscribe within the system.
    public let eventStream: EventStream
    /// Messages that could not be delivered.
    public let deadLetters: DeadLetters
    /// The phases and tasks ``shutdown()`` runs.
    public let coordinatedShutdown: CoordinatedShutdown

    @usableFromInline let metrics: SystemMetrics
    let askGraph = AskGraph()
    let sharedDispatcher: any MessageDispatcher
    /// Set when a test kit supplied the dispatcher: pinned actors run on it too.
    private let injectedDispatcher: (any MessageDispatcher)?
    /// Told what actors do through their contexts; set only by a test kit's behaviour harness.
    let effectObserver: (@Sendable (ContextEffect) -> Void)?
    @usableFromInline let defaultProps: CellProps
    private let ids = Atomic<UInt64>(0)
    private let tokens = Atomic<UInt64>(0)
    private let state = Locked(State())

    private struct State {
        /// The top-level actors, in registration order (an intrusive list through the cells).
        var topLevel = ActorList()
        var live = 0
        var phase = Phase.running
        var idleWaiters: [UnsafeContinuation<Void, Never>] = []
        var terminationWaiters: [UnsafeContinuation<Void, Never>] = []
        var shutdownTask: Task<Void, Never>?
    }

    private enum Phase { case running, shuttingDown, terminated }

    /// Creates a local, in-memory actor system. Invalid settings stop the program with a clear
    /// message; use ``init(name:validating:)`` to get them as an error.
    public convenience init(name: String = "troupe", settings: ActorSystemSettings = .init()) {
        do {
            try self.init(name: name, validating: settings)
        } catch {
            preconditionFailure("invalid ActorSystemSettings: \(error)")
        }
    }

    /// Creates a local, in-memory actor system, throwing ``ActorError/Code/invalidSettings`` for
    /// settings out of range.
    public convenience init(name: String, validating settings: ActorSystemSettings) throws {
        try self.init(name: name, validating: settings, dispatcher: nil)
    }

    /// Creates a system whose actors all run on `dispatcher` (shared and pinned alike), instead of
    /// a pool of worker threads: the test kit's deterministic simulation.
    package init(
        name: String, validating settings: ActorSystemSettings, dispatcher: (any MessageDispatcher)?,
        effectObserver: (@Sendable (ContextEffect) -> Void)? = nil
    ) throws {
        try settings.validate()
        self.name = name
        self.settings = settings
        self.clock = settings.clock
        var logger = settings.logger
        logger[metadataKey: "actor.system"] = "\(name)"
        self.logger = logger
        self.random = SeededRandom(seed: settings.randomSeed)
        self.eventStream = EventStream()
        self.metrics = SystemMetrics(systemName: name)
        self.deadLetters = DeadLetters(eventStream: eventStream, metrics: metrics, logger: logger)
        self.receptionist = Receptionist()
        self.coordinatedShutdown = CoordinatedShutdown()
        self.injectedDispatcher = dispatcher
        self.effectObserver = effectObserver
        self.sharedDispatcher = dispatcher ?? WorkerPool(
            name: "troupe-\(name)", threadCount: settings.dispatcherThreads,
            throughput: settings.throughput, lingerTurns: settings.lingerTurns, allowsInlineAsk: true,
            metrics: metrics, clock: settings.clock)
        self.defaultProps = CellProps(
            name: nil, mailbox: settings.defaultMailbox,
            supervision: settings.defaultSupervision, dispatcher: sharedDispatcher)
        metrics.startReporting(clock: clock, interval: settings.metricsInterval)
        logger.debug("actor system started", metadata: ["dispatcher.threads": "\(settings.dispatcherThreads)"])
    }

    // MARK: Spawning

    /// Spawns an actor and returns its ref.
    ///
    /// `actor` is kept as a factory: a restart calls it again, so state starts fresh. `name`, if
    /// given, registers the actor in the ``receptionist`` (unique among live actors; letters,
    /// digits and `-_.:/@+`, not starting or ending with `/`). The actor's `preStart` runs before
    /// this returns; an error it throws is thrown here.
    ///
    /// Throws ``ActorError/Code/duplicateName``, ``ActorError/Code/invalidName`` or
    /// ``ActorError/Code/systemShutDown``.
    @inlinable
    @discardableResult
    public func spawn<A: ActorBehavior>(
        _ actor: @autoclosure @escaping @Sendable () throws -> A,
        name: String? = nil,
        options: SpawnOptions = .default
    ) throws -> ActorRef<A> {
        try spawn(factory: actor, name: name, options: options, parent: nil)
    }

    @inlinable
    func spawn<A: ActorBehavior>(
        factory: @escaping @Sendable () throws -> A, name: String?, options: SpawnOptions, parent: ActorCellBase?
    ) throws -> ActorRef<A> {
        let props = (name == nil && options.isDefault) ? defaultProps : try makeProps(name: name, options: options)
        let cell = ActorCell<A>(id: nextActorID(), system: self, props: props, parent: parent, factory: factory)
        do {
            try register(cell)
        } catch {
            releaseDispatcher(of: cell)
            throw error
        }
        do {
            cell.actor = try factory()
            try cell.actor!.preStart(context: cell.context)
        } catch {
            abortStart(cell)
            throw error
        }
        cell.endInlineTurn()
        return ActorRef(cell: cell)
    }

    /// Where tasks the system starts run: Swift's global executor, or a simulation's.
    var dispatcherTaskExecutor: (any TaskExecutor)? {
        sharedDispatcher.taskExecutor
    }

    @usableFromInline
    func nextActorID() -> ActorID {
        ActorID(ids.wrappingAdd(1, ordering: .relaxed).newValue)
    }

    /// A fresh token, for watch registrations and subscriptions.
    func nextToken() -> UInt64 {
        tokens.wrappingAdd(1, ordering: .relaxed).newValue
    }

    @usableFromInline
    func makeProps(name: String?, options: SpawnOptions) throws -> CellProps {
        if let name { try Receptionist.validate(name: name) }
        let dispatcher: any MessageDispatcher
        switch options.dispatcher.kind {
        case .shared:
            dispatcher = sharedDispatcher
        case .pinned:
            dispatcher = injectedDispatcher ?? WorkerPool(
                name: "troupe-pinned", threadCount: 1, throughput: settings.throughput,
                lingerTurns: settings.lingerTurns, allowsInlineAsk: false,
                metrics: metrics, clock: clock)
        }
        return CellProps(
            name: name, mailbox: options.mailbox ?? settings.defaultMailbox,
            supervision: options.supervision ?? settings.defaultSupervision, dispatcher: dispatcher)
    }

    /// Registers a new cell: its name, its place in the tree, the live count. The cell holds its
    /// turn until `endInlineTurn()`, so nothing runs before `preStart` has.
    @usableFromInline
    func register(_ cell: ActorCellBase) throws {
        cell.scheduled = true
        if let parent = cell.parent {
            let parentRunning = parent.mutex.withLock { parent.lifecycle.rawValue < Lifecycle.stopping.rawValue }
            guard parentRunning else {
                throw ActorError(.actorStopped, "cannot spawn a child of \(parent.label): it is stopping")
            }
        }
        let refused: ActorError? = state.withLock { state in
            guard state.phase == .running else {
                return ActorError(.systemShutDown, "actor system \(name) is shutting down; cannot spawn")
            }
            if cell.parent == nil { state.topLevel.append(cell) }
            state.live += 1
            return nil
        }
        if let refused { throw refused }
        if let name = cell.name {
            do {
                try receptionist.register(cell, name: name)
            } catch {
                unregister(cell)
                throw error
            }
        }
        if let parent = cell.parent {
            parent.ensureExtras.children[cell.id] = cell
        }
        metrics.actorStarted()
    }

    /// Undoes `register` for a cell whose factory or `preStart` threw.
    @usableFromInline
    func abortStart(_ cell: ActorCellBase) {
        cell.mutex.withLock { cell.lifecycle = .terminated }
        cell.abandonTurnState()
        releaseDispatcher(of: cell)
        receptionist.remove(cell)
        for child in cell.extras?.sortedChildren ?? [] {
            child.sendSystem(.stop(.stopped))
        }
        cell.parent?.extras?.children.removeValue(forKey: cell.id)
        unregister(cell)
        metrics.actorStopped()
    }

    /// Stops the dedicated thread of a pinned actor that never started.
    @usableFromInline
    func releaseDispatcher(of cell: ActorCellBase) {
        if cell.props.dispatcherOwner !== sharedDispatcher {
            cell.props.dispatcherOwner.shutdown()
        }
    }

    private func unregister(_ cell: ActorCellBase) {
        let waiters: [UnsafeContinuation<Void, Never>] = state.withLock { state in
            if cell.parent == nil { state.topLevel.remove(cell) }
            state.live -= 1
            guard state.live == 0 else { return [] }
            defer { state.idleWaiters = [] }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// An actor terminated: drop it from the tree's roots and the live count.
    func actorTerminated(_ cell: ActorCellBase) {
        unregister(cell)
    }

    // MARK: Lookup

    /// The live actor registered under `name`.
    ///
    /// Throws ``ActorError/Code/nameNotFound`` if there is none, and
    /// ``ActorError/Code/wrongActorType`` if it is not an `A`.
    public func lookup<A: ActorBehavior>(_ type: A.Type, name: String) async throws -> ActorRef<A> {
        guard let cell = receptionist.cell(named: name) else {
            throw ActorError(.nameNotFound, "no live actor is registered under the name '\(name)'")
        }
        guard let typed = cell as? ActorCell<A> else {
            throw ActorError(.wrongActorType, "'\(name)' is a \(cell.behaviorTypeName), not a \(A.self)")
        }
        return ActorRef(cell: typed)
    }

    /// The live actor registered under `name`, without suspending (a transport delivering inbound
    /// messages). Throws like ``lookup(_:name:)``.
    @inlinable
    package func lookupNow<A: ActorBehavior>(_ type: A.Type, name: String) throws -> ActorRef<A> {
        let cell = try liveCell(named: name)
        guard let typed = cell as? ActorCell<A> else { throw wrongType(cell, name: name, expected: A.self) }
        return ActorRef(cell: typed)
    }

    @usableFromInline
    func liveCell(named name: String) throws -> ActorCellBase {
        guard let cell = receptionist.cell(named: name) else {
            throw ActorError(.nameNotFound, "no live actor is registered under the name '\(name)'")
        }
        return cell
    }

    @usableFromInline
    func wrongType(_ cell: ActorCellBase, name: String, expected: Any.Type) -> ActorError {
        ActorError(.wrongActorType, "'\(name)' is a \(cell.behaviorTypeName), not a \(expected)")
    }

    /// Calls `notify` once the actor registered under `name` terminates (at once if it already has).
    /// Returns `false`, without calling it, if no live actor has that name: a transport relaying
    /// death watch to another node.
    package func whenTerminated(named name: String, _ notify: @escaping @Sendable (TerminationReason) -> Void) -> Bool {
        guard let cell = receptionist.cell(named: name) else { return false }
        cell.addWatcher(WatcherKey(watcher: nil, token: nextToken())) { terminated in notify(terminated.reason) }
        return true
    }

    /// How many actors are alive (spawned and not yet terminated).
    public var liveActorCount: Int {
        state.withLock { $0.live }
    }

    // MARK: Shutdown

    /// Shuts the system down: runs the ``coordinatedShutdown`` phases in order; in the last one,
    /// stops every actor (children first, `postStop` hooks run, queued asks fail) and then the
    /// worker threads. Safe to call more than once and from several tasks: all return when the
    /// system has terminated.
    public func shutdown() async throws {
        await beginShutdown().value
    }

    /// Starts ``shutdown()`` without waiting for it; the system owns the task.
    @discardableResult
    func beginShutdown() -> Task<Void, Never> {
        state.withLock { state in
            if let task = state.shutdownTask { return task }
            let task = Task(executorPreference: dispatcherTaskExecutor) { await self.runShutdown() }
            state.shutdownTask = task
            return task
        }
    }

    /// Waits until the system has shut down.
    public var terminated: Void {
        get async {
            await withUnsafeContinuation { continuation in
                let done: Bool = state.withLock { state in
                    if state.phase == .terminated { return true }
                    state.terminationWaiters.append(continuation)
                    return false
                }
                if done { continuation.resume() }
            }
        }
    }

    /// Whether ``shutdown()`` has started.
    public var isShuttingDown: Bool {
        state.withLock { $0.phase != .running }
    }

    private func runShutdown() async {
        logger.debug("actor system shutting down")
        await coordinatedShutdown.run(system: self)
        state.withLock { $0.phase = .shuttingDown }
        await stopAllActors()
        metrics.stopReporting()
        sharedDispatcher.shutdown()
        let waiters: [UnsafeContinuation<Void, Never>] = state.withLock { state in
            state.phase = .terminated
            defer { state.terminationWaiters = [] }
            return state.terminationWaiters
        }
        for waiter in waiters { waiter.resume() }
        logger.debug("actor system terminated")
    }

    /// Stops every top-level actor (in id order) and waits until no actor is alive.
    func stopAllActors() async {
        let topLevel = state.withLock { state in state.topLevel.all }
        for cell in topLevel {
            cell.sendSystem(.stop(.systemShutdown))
        }
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let idle: Bool = state.withLock { state in
                if state.live == 0 { return true }
                state.idleWaiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}
