import TroupeCore

/// The dispatcher and task executor of a ``Simulation``: everything that is ready to run (actor
/// turns, and the steps of tasks that async handlers and the scenario run) waits in one list, and
/// the simulation's thread takes one item at a time, chosen by the seeded random source.
///
/// Nothing here depends on thread timing, `Set`/`Dictionary` order or `Hasher`: given the same seed
/// and the same scenario, the same items become ready in the same order and the same ones are chosen.
final class DeterministicDispatcher: MessageDispatcher, TaskExecutor, @unchecked Sendable {
    // Invariant: `ready` is read and written only with `lock` held; `arrived` is signalled (with
    // `lock` held) whenever an item is added, for the driver waiting on work from outside.
    enum Work {
        case turn(ActorCellBase)
        case job(UnownedJob)
    }

    private let lock = PThreadMutex()
    private let arrived = PThreadCondition()
    private var ready: [Work] = []
    private let random: SeededRandom
    let throughput: Int

    init(random: SeededRandom, throughput: Int) {
        self.random = random
        self.throughput = throughput
    }

    deinit {
        arrived.destroy()
        lock.destroy()
    }

    // MARK: MessageDispatcher

    func schedule(_ cell: ActorCellBase) {
        push(.turn(cell))
    }

    func requeue(_ cell: ActorCellBase) {
        push(.turn(cell))
    }

    var hasWaitingCells: Bool {
        lock.withLock { !ready.isEmpty }
    }

    /// Asks always go through the mailbox, so the scheduler decides their interleaving too.
    var allowsInlineAsk: Bool { false }

    var taskExecutor: (any TaskExecutor)? { self }

    /// Several systems share one simulation: shutting one down leaves the dispatcher running.
    func shutdown() {}

    // MARK: TaskExecutor

    func enqueue(_ job: consuming ExecutorJob) {
        push(.job(UnownedJob(job)))
    }

    // MARK: Driving

    private func push(_ work: Work) {
        lock.lock()
        ready.append(work)
        arrived.signal()
        lock.unlock()
    }

    /// Whether anything is ready.
    var isIdle: Bool {
        lock.withLock { ready.isEmpty }
    }

    /// Takes one ready item, chosen uniformly by the seeded random source.
    func take() -> Work? {
        lock.lock()
        defer { lock.unlock() }
        guard !ready.isEmpty else { return nil }
        let index = ready.count == 1 ? 0 : random.next(below: ready.count)
        ready.swapAt(index, ready.count - 1)
        return ready.removeLast()
    }

    /// Runs one item on the calling thread.
    func run(_ work: Work) -> SimulationEvent.Kind {
        switch work {
        case .turn(let cell):
            let stats = cell.runTurn()
            return .turn(actor: cell.path, messages: stats.handled)
        case .job(let job):
            job.runSynchronously(on: asUnownedTaskExecutor())
            return .task
        }
    }

    /// Runs ready items on the calling thread until none is left; returns how many ran.
    @discardableResult
    func runUntilIdle() -> Int {
        var steps = 0
        while let work = take() {
            _ = run(work)
            steps += 1
        }
        return steps
    }

    /// Waits up to `nanoseconds` of real time for an item to arrive from outside the simulation.
    /// Returns whether one did.
    func waitForWork(nanoseconds: Int64) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if ready.isEmpty { arrived.wait(lock, nanoseconds: nanoseconds) }
        return !ready.isEmpty
    }
}
