import Logging

/// Settings of one ``ActorSystem``. Every field has a documented default.
public struct ActorSystemSettings: Sendable {
    /// The clock every timer, timeout and backoff reads. Default: ``RealClock/shared``; tests pass
    /// a ``ManualClock``.
    public var clock: any ActorClock = RealClock.shared
    /// The seed of the system's random source (backoff jitter, random routing). Default: random.
    public var randomSeed: UInt64 = UInt64.random(in: .min ... .max)
    /// How long an ask waits for its reply unless the call says otherwise. Default: 5 seconds.
    public var askTimeout: Duration = .seconds(5)
    /// Worker threads of the shared dispatcher. Default: the number of active processors.
    public var dispatcherThreads: Int = ActorSystemSettings.processorCount
    /// Messages an actor handles per turn before it yields its thread. Default: 100.
    public var throughput: Int = 100
    /// How many turns in a row that find nothing an actor stays queued on its worker after its
    /// mailbox empties, so that messages sent meanwhile need no scheduling (a sender fanning out
    /// to many actors gains about 2-3x). Workers stay awake while actors linger; 0 turns it off, so
    /// idle workers park sooner (fewer wake-ups' worth of spinning on battery-powered devices).
    /// Actors do not linger while a worker has more than 4,096 actors queued. Default: 16; at
    /// most 255.
    public var lingerTurns: Int = 16
    /// The mailbox of actors spawned without one. Default: unbounded.
    public var defaultMailbox: MailboxSettings = .unbounded
    /// The supervision of actors spawned without one. Default: ``SupervisionStrategy/default``.
    public var defaultSupervision: SupervisionStrategy = .default
    /// The most messages one actor may stash. Default: 10,000.
    public var stashCapacity: Int = 10_000
    /// How long each coordinated-shutdown phase may take before its remaining tasks are cancelled.
    /// Default: 10 seconds.
    public var shutdownPhaseTimeout: Duration = .seconds(10)
    /// How often gauges (mailbox depth, live actors) are reported to swift-metrics, or `nil` to
    /// never report them periodically. Default: 1 second.
    public var metricsInterval: Duration? = .seconds(1)
    /// The logger the system and its actors log to (at debug and trace). Default: label `troupe`.
    public var logger = Logger(label: "troupe")

    /// Creates the default settings.
    public init() {}

    /// The number of active processors.
    public static var processorCount: Int {
        max(1, _activeProcessorCount())
    }

    func validate() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw ActorError(.invalidSettings, message) }
        }
        try check(askTimeout > .zero, "askTimeout must be positive, got \(askTimeout)")
        try check(dispatcherThreads > 0, "dispatcherThreads must be positive, got \(dispatcherThreads)")
        try check(throughput > 0, "throughput must be positive, got \(throughput)")
        try check((0...255).contains(lingerTurns), "lingerTurns must be in 0...255, got \(lingerTurns)")
        try check(stashCapacity >= 0, "stashCapacity must not be negative, got \(stashCapacity)")
        try check(shutdownPhaseTimeout > .zero, "shutdownPhaseTimeout must be positive, got \(shutdownPhaseTimeout)")
        if let metricsInterval {
            try check(metricsInterval > .zero, "metricsInterval must be positive, got \(metricsInterval)")
        }
    }
}

/// How one actor is spawned: its mailbox, supervision and dispatcher.
public struct SpawnOptions: Sendable {
    /// The mailbox, or `nil` for the system's default.
    public var mailbox: MailboxSettings?
    /// The supervision strategy, or `nil` for the system's default.
    public var supervision: SupervisionStrategy?
    /// The dispatcher. Default: the shared pool.
    public var dispatcher: DispatcherSelection

    /// Creates options.
    public init(mailbox: MailboxSettings? = nil, supervision: SupervisionStrategy? = nil, dispatcher: DispatcherSelection = .shared) {
        self.mailbox = mailbox
        self.supervision = supervision
        self.dispatcher = dispatcher
    }

    /// The system's defaults.
    public static let `default` = SpawnOptions()

    @usableFromInline
    var isDefault: Bool {
        mailbox == nil && supervision == nil && dispatcher == .shared
    }
}

#if canImport(Glibc)
import Glibc
private func _activeProcessorCount() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#elseif canImport(Darwin)
import Darwin
private func _activeProcessorCount() -> Int { Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
#else
private func _activeProcessorCount() -> Int { 1 }
#endif
