import Testing
@testable import TroupeCore

/// A dispatcher the test drives by hand, with lingering turns as the worker pool has them: each
/// `step` runs one queued entry on the test's thread.
private final class SteppedDispatcher: MessageDispatcher, Sendable {
    private let entries = Locked<[QueuedCell]>([])
    let lingerTurns: Int

    init(lingerTurns: Int) {
        self.lingerTurns = lingerTurns
    }

    func schedule(_ cell: ActorCellBase) { entries.withLock { $0.append(QueuedCell(cell, lingering: false)) } }
    func requeue(_ cell: ActorCellBase) { schedule(cell) }
    var hasWaitingCells: Bool { entries.withLock { !$0.isEmpty } }
    var allowsInlineAsk: Bool { true }
    var throughput: Int { 100 }
    var taskExecutor: (any TaskExecutor)? { nil }
    func shutdown() {}

    /// The queued entries, oldest first: `true` for a lingering one.
    var queued: [Bool] { entries.withLock { $0.map(\.lingering) } }

    /// Runs the entry at `index` as a worker would; `nil` when it was stale.
    func step(at index: Int = 0) -> TurnStats? {
        let entry = entries.withLock { $0.remove(at: index) }
        let stats = entry.runTurn()
        if stats?.lingers == true { entries.withLock { $0.append(QueuedCell(entry.cell, lingering: true)) } }
        return stats
    }
}

@Suite("lingering turns")
struct LingerTests {
    private func makeSystem(lingerTurns: Int = 2) throws -> (ActorSystem, SteppedDispatcher) {
        var settings = ActorSystemSettings()
        settings.metricsInterval = nil
        settings.clock = ManualClock()
        let dispatcher = SteppedDispatcher(lingerTurns: lingerTurns)
        return (try ActorSystem(name: "linger", validating: settings, dispatcher: dispatcher), dispatcher)
    }

    /// A counter that has handled one message and lingers (its entry queued, tagged lingering).
    private func lingeringCounter() throws -> (ActorSystem, SteppedDispatcher, ActorRef<Counter>) {
        let (system, dispatcher) = try makeSystem()
        let counter = try system.spawn(Counter())
        counter.tell(.increment(1))
        _ = dispatcher.step()
        return (system, dispatcher, counter)
    }

    /// Stops `ref` and runs its last turn, so that the system shuts down without a dispatcher thread.
    private func finish(_ system: ActorSystem, _ dispatcher: SteppedDispatcher, _ ref: ActorRef<Counter>) async throws {
        ref.stop()
        while !dispatcher.queued.isEmpty { _ = dispatcher.step() }
        #expect(await ref.termination.kind == .stopped)
        try await system.shutdown()
    }

    @Test("a turn that empties the mailbox keeps the cell queued; sends meanwhile schedule nothing; it goes idle after the empty turns")
    func lingersThenGoesIdle() async throws {
        let (system, dispatcher) = try makeSystem(lingerTurns: 2)
        let counter = try system.spawn(Counter())
        counter.tell(.increment(1))
        #expect(dispatcher.queued == [false])
        #expect(dispatcher.step()?.lingers == true)
        #expect(dispatcher.queued == [true])

        counter.tell(.increment(1))
        counter.tell(.increment(1))
        #expect(dispatcher.queued == [true], "a lingering cell is not scheduled again")
        let busy = try #require(dispatcher.step())
        #expect(busy.handled == 2)
        #expect(busy.lingers)

        let firstEmpty = try #require(dispatcher.step())
        #expect(firstEmpty.handled == 0)
        #expect(firstEmpty.lingers)
        let secondEmpty = try #require(dispatcher.step())
        #expect(!secondEmpty.lingers, "idle after lingerTurns empty turns")
        #expect(dispatcher.queued.isEmpty)
        #expect(counter.instanceForTesting?.count == 3)

        counter.tell(.increment(1))
        #expect(dispatcher.queued == [false], "an idle cell is scheduled by the next send")
        try await finish(system, dispatcher, counter)
    }

    @Test("an inline ask takes the turn of a lingering cell; its stale entry then runs nothing")
    func inlineAskTakesLingeringTurn() async throws {
        let (system, dispatcher, counter) = try lingeringCounter()
        #expect(dispatcher.queued == [true])

        let inlineBefore = system.metrics.inlineHandled.load(ordering: .relaxed)
        let value = try await counter.ask(.increment(5)) { actor, _ in
            actor.count += 5
            return actor.count
        }
        #expect(value == 6)
        #expect(system.metrics.inlineHandled.load(ordering: .relaxed) == inlineBefore + 1)

        #expect(dispatcher.step() == nil, "the lingering entry went stale")
        #expect(dispatcher.queued.isEmpty)
        counter.tell(.increment(1))
        #expect(dispatcher.queued == [false])
        #expect(dispatcher.step()?.handled == 1)
        #expect(counter.instanceForTesting?.count == 7)
        try await finish(system, dispatcher, counter)
    }

    @Test("a cell that lingers again while its stale entry is still queued reuses that entry: never two")
    func staleEntryIsReused() async throws {
        let (system, dispatcher, counter) = try lingeringCounter()
        _ = try await counter.ask(.current) { actor, _ in actor.count }  // inline: the entry goes stale
        counter.tell(.increment(1))
        #expect(dispatcher.queued == [true, false])

        let scheduled = try #require(dispatcher.step(at: 1))
        #expect(scheduled.handled == 1)
        #expect(!scheduled.lingers, "the stale entry is live again: no second entry")
        #expect(dispatcher.queued == [true])

        counter.tell(.increment(1))
        let revived = try #require(dispatcher.step(), "the reused entry owns the turn")
        #expect(revived.handled == 1)
        #expect(dispatcher.queued == [true])
        #expect(counter.instanceForTesting?.count == 3)
        try await finish(system, dispatcher, counter)
    }

    @Test("a stop sent to a lingering cell is handled on its queued entry's turn")
    func stopWhileLingering() async throws {
        let (system, dispatcher, counter) = try lingeringCounter()
        counter.stop()
        #expect(dispatcher.queued == [true])
        let last = try #require(dispatcher.step())
        #expect(!last.lingers)
        #expect(dispatcher.queued.isEmpty)
        #expect(await counter.termination.kind == .stopped)
        try await system.shutdown()
    }
}
