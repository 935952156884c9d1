import TroupeCore

/// Runs one actor's handlers synchronously on the calling thread, with no worker threads, and lets
/// a test inspect its state and the effects it produced.
///
/// The actor lives in a private system whose dispatcher is driven by the harness: ``run(_:)`` sends
/// a message and handles everything that becomes ready (async handlers included) before it returns.
/// Time is a ``ManualClock`` that only ``advance(by:)`` moves. Messages the actor sends to other
/// actors are seen through probes made with ``probe(_:name:)``.
///
/// ```swift
/// let kit = try BehaviorTestKit(Session(timeout: .seconds(30)))
/// let effects = kit.run(.open(user: "ada"))
/// #expect(effects == [.timerStarted("idle", delay: .seconds(30), interval: nil)])
/// #expect(kit.state?.user == "ada")
/// kit.advance(by: .seconds(30))
/// #expect(kit.isTerminated)
/// ```
///
/// - Warning: Use a harness from one thread (one test) at a time; it is not a concurrent system.
public final class BehaviorTestKit<A: ActorBehavior>: Sendable {
    /// The ref of the actor under test.
    public let ref: ActorRef<A>
    /// The environment the actor lives in: its system, clock and dispatcher.
    public let environment: BehaviorEnvironment
    private let reason: Locked<TerminationReason?>
    private let consumed = Locked(0)

    /// Spawns `actor` (a factory: restarts call it again) in `environment` (a fresh one by default)
    /// and runs its `preStart`.
    public init(
        _ actor: @autoclosure @escaping @Sendable () throws -> A,
        name: String? = nil,
        options: SpawnOptions = .default,
        in environment: BehaviorEnvironment? = nil
    ) throws {
        let environment = try environment ?? BehaviorEnvironment()
        let reason = Locked<TerminationReason?>(nil)
        self.environment = environment
        self.reason = reason
        self.ref = try environment.system.spawn(try actor(), name: name, options: options)
        _ = ref.whenTerminated { terminated in reason.withLock { $0 = terminated } }
        consumed.withLock { $0 = environment.observed.withLock { $0.count } }
        environment.runUntilIdle()
    }

    /// The harness's system.
    public var system: ActorSystem { environment.system }
    /// The harness's clock: moves only with ``advance(by:)``.
    public var clock: ManualClock { environment.clock }

    // MARK: Driving

    /// Tells the actor `message` and handles everything that becomes ready; returns the effects the
    /// actor produced meanwhile.
    @discardableResult
    public func run(_ message: A.Message) -> [BehaviorEffect] {
        ref.tell(message)
        return runUntilIdle()
    }

    /// Asks the actor `message` and returns its reply. Throws the handler's error, or
    /// ``TestKitError/Code/timedOut`` if the reply is still outstanding once nothing more can run
    /// (the handler waits for a timer or for a probe's answer: use ``start(_:)`` then).
    public func ask<R: Sendable>(_ message: A.Message, returning: R.Type = R.self, fileID: String = #fileID, line: Int = #line) throws -> R {
        try call(fileID: fileID, line: line) { ref in try await ref.ask(message, returning: R.self) }
    }

    /// Runs `body` with the actor's ref (e.g. `{ try await $0.increment(by: 2) }`, the generated
    /// methods) until nothing more can run, and returns its result. Throws like
    /// ``ask(_:returning:fileID:line:)``.
    public func call<R: Sendable>(
        fileID: String = #fileID, line: Int = #line, _ body: @escaping @Sendable (ActorRef<A>) async throws -> R
    ) throws -> R {
        try start(body).get(fileID: fileID, line: line)
    }

    /// Starts `body` with the actor's ref and runs until nothing more can run; the reply completes
    /// now, or later once the test answers a probe or advances the clock.
    public func start<R: Sendable>(_ body: @escaping @Sendable (ActorRef<A>) async throws -> R) -> BehaviorReply<R> {
        let ref = self.ref
        return environment.start { try await body(ref) }
    }

    /// Moves the clock forward by `duration`, firing due timers (the actor's timers, backoffs, ask
    /// timeouts) in deadline order, and handles what they make ready; returns the new effects.
    @discardableResult
    public func advance(by duration: Duration) -> [BehaviorEffect] {
        environment.advance(by: duration)
        return takeEffects()
    }

    /// Handles everything that is ready (messages sent to the actor from elsewhere, replies a probe
    /// gave); returns the new effects.
    @discardableResult
    public func runUntilIdle() -> [BehaviorEffect] {
        environment.runUntilIdle()
        return takeEffects()
    }

    // MARK: Inspecting

    /// The actor's current state; `nil` once it has terminated. After a restart, the fresh instance.
    public var state: A? {
        ref.instanceForTesting
    }

    /// Every effect of the actor under test so far, oldest first.
    public var effects: [BehaviorEffect] {
        let id = ref.id
        return environment.observed.withLock { $0 }.filter { $0.actor == id }.map { BehaviorEffect($0.kind) }
    }

    /// The effects produced since the previous call to this (or to ``run(_:)``, ``advance(by:)``,
    /// ``runUntilIdle()``).
    public func takeEffects() -> [BehaviorEffect] {
        let id = ref.id
        let all = environment.observed.withLock { $0 }
        let start = consumed.withLock { consumed in
            defer { consumed = all.count }
            return consumed
        }
        return all[start...].filter { $0.actor == id }.map { BehaviorEffect($0.kind) }
    }

    /// Whether the actor's timer `key` is running.
    public func isTimerActive(_ key: TimerKey) -> Bool {
        ref.isTimerActiveForTesting(key)
    }

    /// Whether the actor has terminated.
    public var isTerminated: Bool {
        reason.withLock { $0 != nil }
    }

    /// Why the actor terminated, once it has.
    public var terminationReason: TerminationReason? {
        reason.withLock { $0 }
    }
}
