import TroupeCore

/// The world of one or more ``BehaviorTestKit``s: a private system with no worker threads, a
/// ``ManualClock``, and the record of what actors did through their contexts.
///
/// Make one yourself when the actor under test needs refs that exist before it does, typically
/// probes:
///
/// ```swift
/// let environment = try BehaviorEnvironment()
/// let audit = try environment.probe(Listener.self)
/// let kit = try BehaviorTestKit(Session(audit: audit.ref), in: environment)
/// ```
public final class BehaviorEnvironment: Sendable {
    /// The private system.
    public let system: ActorSystem
    /// The clock: moves only with ``advance(by:)``.
    public let clock: ManualClock

    let dispatcher: DeterministicDispatcher
    let observed: Locked<[ContextEffect]>

    /// Creates the environment. `seed` decides the order of ready work and seeds the system's random
    /// source; `configure` may change the system's settings (the clock is always ``clock``).
    public init(seed: UInt64 = 0, configure: (inout ActorSystemSettings) -> Void = { _ in }) throws {
        let clock = ManualClock()
        let dispatcher = DeterministicDispatcher(random: SeededRandom(seed: seed), throughput: 100)
        let observed = Locked<[ContextEffect]>([])
        var settings = ActorSystemSettings()
        settings.randomSeed = seed
        settings.metricsInterval = nil
        configure(&settings)
        settings.clock = clock
        self.system = try ActorSystem(
            name: "behavior", validating: settings, dispatcher: dispatcher,
            effectObserver: { effect in observed.withLock { $0.append(effect) } })
        self.clock = clock
        self.dispatcher = dispatcher
        self.observed = observed
    }

    /// A probe in this environment's system standing in for an actor of type `B`: give its ref to
    /// the actor under test and read what it was sent with ``TestProbe/takeAll()``.
    public func probe<B: ActorBehavior>(_ type: B.Type, name: String? = nil) throws -> TestProbe<B> {
        try TestProbe(type, in: system, name: name)
    }

    /// Handles everything that is ready, on the calling thread.
    public func runUntilIdle() {
        dispatcher.runUntilIdle()
    }

    /// Moves the clock forward by `duration`, firing due timers in deadline order and handling what
    /// each makes ready before the next fires.
    public func advance(by duration: Duration) {
        let end = clock.now + duration
        while let deadline = clock.nextDeadline, deadline <= end {
            clock.advance(to: deadline)
            dispatcher.runUntilIdle()
        }
        clock.advance(to: end)
        dispatcher.runUntilIdle()
    }

    /// Starts `body` as a task on the environment's executor and handles everything that becomes
    /// ready; the returned reply completes now or after later steps (an answered probe, a timer).
    public func start<R: Sendable>(_ body: @escaping @Sendable () async throws -> R) -> BehaviorReply<R> {
        let reply = BehaviorReply<R>()
        Task(executorPreference: dispatcher) {
            let result: Result<R, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            reply.complete(result)
        }
        dispatcher.runUntilIdle()
        return reply
    }

    /// Stops every actor in the environment's system.
    public func shutdown() {
        let system = self.system
        _ = start { try await system.shutdown() }
    }
}

/// The outcome of a call started with ``BehaviorTestKit/start(_:)``: complete at once, or after
/// later steps of the harness.
public final class BehaviorReply<R: Sendable>: Sendable {
    private let result = Locked<Result<R, any Error>?>(nil)

    init() {}

    func complete(_ outcome: Result<R, any Error>) {
        result.withLock { $0 = outcome }
    }

    /// Whether the call has finished.
    public var isComplete: Bool {
        result.withLock { $0 != nil }
    }

    /// The call's result; rethrows its error. Throws ``TestKitError/Code/timedOut`` if it has not
    /// finished yet.
    public func get(fileID: String = #fileID, line: Int = #line) throws -> R {
        guard let outcome = result.withLock({ $0 }) else {
            throw TestKitError(.timedOut, "the call has not finished, and nothing more can run: it waits for time (advance(by:)) or for an answer (a probe's reply)", fileID: fileID, line: line)
        }
        return try outcome.get()
    }
}
