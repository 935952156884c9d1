import TroupeCore

/// A deterministic world for actor systems: one thread, virtual time, and a seeded scheduler.
///
/// Every system made with ``makeSystem(name:configure:)`` runs its actors on the simulation's
/// dispatcher, and the tasks of async handlers on its task executor. ``run(_:)`` drives them: it runs
/// one ready item at a time (an actor's turn or a task's step), chosen by a random source seeded
/// with ``seed``; when nothing is ready, it moves the ``clock`` to the next timer. So a 30-second
/// backoff takes no real time, and two runs of one seed, even in different processes, run the same
/// steps in the same order: their ``trace``s are equal.
///
/// ```swift
/// let simulation = Simulation(seed: 42)
/// let count = try await simulation.run {
///     let system = try simulation.makeSystem()
///     let counter = try system.spawn(Counter())
///     counter.tell(.increment(by: 2))
///     return try await counter.current()
/// }
/// ```
///
/// - Warning: Determinism holds for what runs inside the simulation: actors, their async handlers,
///   the scenario, and tasks they start with structured concurrency. Work that leaves it (awaiting a
///   Swift `actor`, `Task.sleep`, real I/O, `Task.detached`) comes back at a moment the seed does not
///   decide. Use the actor context's clock (`context.clock.sleep(for:)`) for delays.
public final class Simulation: Sendable {
    /// The seed of the scheduler and of every system's random source.
    public let seed: UInt64
    /// The virtual clock every system in the simulation reads.
    public let clock: ManualClock
    /// A random source for the scenario's own choices, seeded from ``seed`` (a separate stream from
    /// the scheduler's, so that using it does not change the schedule's randomness).
    public let random: SeededRandom
    /// The settings the simulation was created with.
    public let settings: SimulationSettings

    let dispatcher: DeterministicDispatcher
    private let state = Locked(State())

    private struct State {
        var trace = SimulationTrace()
        /// Tasks waiting in ``settle()`` for the simulation to be idle, in the order they began.
        var settling: [UnsafeContinuation<Void, Never>] = []
        var systems: [ActorSystem] = []
        var running = false
    }

    /// Creates a simulation whose schedule and randomness come from `seed`.
    public init(seed: UInt64, settings: SimulationSettings = .init()) {
        self.seed = seed
        self.settings = settings
        self.clock = ManualClock()
        self.random = SeededRandom(seed: Self.mix(seed, 0x5CE7_A410))
        self.dispatcher = DeterministicDispatcher(
            random: SeededRandom(seed: Self.mix(seed, 0xD15B_A7C4)), throughput: max(1, settings.throughput))
    }

    /// A system that runs inside the simulation: its actors are scheduled by the simulation, its
    /// clock is ``clock``, its random seed is derived from ``seed`` and the number of systems made
    /// before it, and it does not report metrics periodically. `configure` may change other
    /// settings (the clock is always the simulation's). ``run(_:)`` shuts the systems down when its
    /// scenario ends.
    public func makeSystem(
        name: String = "sim", configure: (inout ActorSystemSettings) -> Void = { _ in }
    ) throws -> ActorSystem {
        let index = state.withLock { $0.systems.count }
        var systemSettings = ActorSystemSettings()
        systemSettings.randomSeed = Self.mix(seed, UInt64(index) &+ 1)
        systemSettings.metricsInterval = nil
        systemSettings.throughput = dispatcher.throughput
        configure(&systemSettings)
        systemSettings.clock = clock
        let system = try ActorSystem(name: name, validating: systemSettings, dispatcher: dispatcher)
        state.withLock { $0.systems.append(system) }
        return system
    }

    /// Records a note in the trace, at the current virtual time.
    public func record(_ note: String) {
        append(time: clock.now, .note(note))
    }

    /// Suspends the calling task (the scenario, or a task inside the simulation) until nothing else
    /// can run without time passing: every message sent so far has been handled and every task
    /// started has finished or waits for a timer. Timers do not fire meanwhile.
    ///
    /// Use it to let the simulation settle before checking state that no message reports, such as a
    /// router's routees after a member stopped.
    public func settle() async {
        await withUnsafeContinuation { continuation in
            state.withLock { $0.settling.append(continuation) }
        }
    }

    /// The steps run so far.
    public var trace: SimulationTrace {
        state.withLock { $0.trace }
    }

    /// Runs `scenario` inside the simulation until it returns, then shuts down every system made
    /// with ``makeSystem(name:configure:)``, and returns the scenario's result (or throws its error).
    ///
    /// The simulation runs on the calling thread, which it occupies until the scenario has finished
    /// (everything inside runs on it, one step at a time). Throws
    /// ``TestKitError`` with the trace's last steps when virtual time passes
    /// ``SimulationSettings/timeLimit``, the steps pass ``SimulationSettings/stepLimit``, or the
    /// scenario waits for something that can never happen (``TestKitError/Code/stalled``).
    public func run<T: Sendable>(_ scenario: @escaping @Sendable () async throws -> T) async throws -> T {
        let started: Bool = state.withLock { state in
            defer { state.running = true }
            return !state.running
        }
        guard started else {
            throw TestKitError(.alreadyRunning, "simulation (seed \(seed)) is already running a scenario")
        }
        defer { state.withLock { $0.running = false } }

        let outcome = Locked<Result<T, any Error>?>(nil)
        Task(executorPreference: dispatcher) { [self] in
            let result: Result<T, any Error>
            do {
                result = .success(try await scenario())
            } catch {
                result = .failure(error)
            }
            await shutDownSystems()
            outcome.withLock { $0 = result }
        }
        try drive { outcome.withLock { $0 != nil } }.get()
        guard let result = outcome.withLock({ $0 }) else {
            preconditionFailure("a simulation ended without its scenario's result")
        }
        return try result.get()
    }

    /// The loop: run ready items in seeded order; when none is ready, jump the clock to the next
    /// timer; stop once `finished` and nothing is ready.
    private func drive(until finished: () -> Bool) -> Result<Void, TestKitError> {
        let limit = clock.now + settings.timeLimit
        var steps = 0
        while true {
            if let work = dispatcher.take() {
                let time = clock.now
                let kind = dispatcher.run(work)
                append(time: time, kind)
                steps += 1
                if steps >= settings.stepLimit {
                    return .failure(failure(.stepLimitExceeded, "the scenario took more than \(settings.stepLimit) steps (a livelock?)"))
                }
                continue
            }
            let settled: [UnsafeContinuation<Void, Never>] = state.withLock { state in
                defer { state.settling = [] }
                return state.settling
            }
            if !settled.isEmpty {
                for continuation in settled { continuation.resume() }
                continue
            }
            if finished() { return .success(()) }
            if let deadline = clock.nextDeadline {
                guard deadline <= limit else {
                    return .failure(failure(.timeLimitExceeded, "the scenario ran past its virtual time limit of \(settings.timeLimit) (next timer at \(deadline))"))
                }
                clock.advance(to: deadline)
                append(time: clock.now, .clock)
                continue
            }
            let (seconds, attoseconds) = settings.stallTimeout.components
            let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
            if !dispatcher.waitForWork(nanoseconds: nanoseconds) {
                return .failure(failure(.stalled, "the scenario is waiting, but no actor or task can run and no timer is pending (is it waiting for something outside the simulation, or for a reply that was never sent?)"))
            }
        }
    }

    private func shutDownSystems() async {
        let systems = state.withLock { $0.systems }
        for system in systems {
            try? await system.shutdown()
        }
    }

    private func append(time: ActorInstant, _ kind: SimulationEvent.Kind) {
        guard settings.recordsTrace else { return }
        state.withLock { $0.trace.append(time: time, kind) }
    }

    private func failure(_ code: TestKitError.Code, _ message: String) -> TestKitError {
        let tail = trace.tail(20)
        return TestKitError(code, "simulation (seed \(seed)): \(message)\nlast steps:\n\(tail)")
    }

    /// SplitMix64's finaliser over `seed` and `salt`: independent streams from one seed.
    static func mix(_ seed: UInt64, _ salt: UInt64) -> UInt64 {
        var z = seed &+ salt &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
