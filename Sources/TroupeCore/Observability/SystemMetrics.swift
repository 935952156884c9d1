import Metrics
import Synchronization

/// The system's swift-metrics handles, created once with low-cardinality labels (the system name;
/// never an actor id). Gauges are reported periodically on the system clock.
@usableFromInline
final class SystemMetrics: Sendable {
    private let processed: Counter
    private let restarts: Counter
    private let deadLetters: Counter
    private let spawned: Counter
    private let liveActors: Gauge
    private let mailboxDepth: Gauge
    private let turnDuration: Metrics.Timer
    private let live = Atomic<Int>(0)
    /// The sum of mailbox depths as last seen by each actor at the start of a turn.
    let queued = Atomic<Int>(0)
    /// Messages handled inline by asks, folded into the processed counter when gauges are reported.
    @usableFromInline let inlineHandled = Atomic<Int>(0)
    private let reporter = Locked<ScheduledTimer?>(nil)
    private let reporting = Atomic<Bool>(false)

    init(systemName: String) {
        let dimensions = [("system", systemName)]
        processed = Counter(label: "troupe_messages_processed_total", dimensions: dimensions)
        restarts = Counter(label: "troupe_actor_restarts_total", dimensions: dimensions)
        deadLetters = Counter(label: "troupe_dead_letters_total", dimensions: dimensions)
        spawned = Counter(label: "troupe_actors_spawned_total", dimensions: dimensions)
        liveActors = Gauge(label: "troupe_actors_live", dimensions: dimensions)
        mailboxDepth = Gauge(label: "troupe_mailbox_depth", dimensions: dimensions)
        turnDuration = Metrics.Timer(label: "troupe_turn_duration", dimensions: dimensions)
    }

    func actorStarted() {
        live.add(1, ordering: .relaxed)
    }

    func actorStopped() {
        live.subtract(1, ordering: .relaxed)
    }

    func restarted() { restarts.increment() }
    func deadLetter() { deadLetters.increment() }

    /// Adds messages processed by a batch of turns (workers flush these, not per message).
    func processed(_ count: Int) {
        if count > 0 { processed.increment(by: Int64(count)) }
    }

    /// Counts a turn that ran inline on a transport's thread, as a worker counts its turns.
    @usableFromInline
    func recordInlineTurn(_ stats: TurnStats) {
        inlineHandled.add(stats.handled, ordering: .relaxed)
        if stats.taken != stats.handled { queued.add(stats.taken - stats.handled, ordering: .relaxed) }
    }

    /// Records one sampled turn's duration.
    func recordTurn(nanoseconds: Int64) {
        turnDuration.recordNanoseconds(nanoseconds)
    }

    /// Reports the gauges now.
    func report() {
        processed(inlineHandled.exchange(0, ordering: .relaxed))
        liveActors.record(live.load(ordering: .relaxed))
        mailboxDepth.record(queued.load(ordering: .relaxed))
    }

    func startReporting(clock: any ActorClock, interval: Duration?) {
        guard let interval else { return }
        reporting.store(true, ordering: .relaxed)
        scheduleReport(clock: clock, interval: interval)
    }

    private func scheduleReport(clock: any ActorClock, interval: Duration) {
        reporter.withLock { reporter in
            guard reporting.load(ordering: .relaxed) else { return }
            reporter = clock.schedule(after: interval) { [self] in
                report()
                scheduleReport(clock: clock, interval: interval)
            }
        }
    }

    func stopReporting() {
        reporting.store(false, ordering: .relaxed)
        reporter.withLock { $0?.cancel(); $0 = nil }
        report()
    }
}
