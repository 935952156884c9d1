import Testing
@testable import TroupeCore

/// One termination a watcher learned of, and how: through `receiveSignal` or a watch message.
fileprivate struct Observation: Sendable {
    let via: String
    let terminated: ActorTerminated
}

/// Watches counters and reports what it observed. Observations also go to `log`, which survives
/// restarts of the watcher.
fileprivate struct Watcher: ActorBehavior {
    enum Message: Sendable {
        case watch(ActorRef<Counter>)
        case watchWithMessage(ActorRef<Counter>)
        case unwatch(ActorRef<Counter>)
        case watchedTerminated(ActorTerminated)
        case observations
        case fail
    }

    var observations: [Observation] = []
    var log: Recorder?

    mutating func receiveSynchronously(_ message: Message, reply: ReplyHandle, context: ActorContext<Watcher>) throws -> Bool {
        switch message {
        case .watch(let ref):
            context.watch(ref)
            reply.succeed(())
        case .watchWithMessage(let ref):
            context.watch(ref) { .watchedTerminated($0) }
            reply.succeed(())
        case .unwatch(let ref):
            context.unwatch(ref)
            reply.succeed(())
        case .watchedTerminated(let terminated):
            observations.append(Observation(via: "message", terminated: terminated))
            log?.append("message \(terminated.id)")
        case .observations:
            reply.succeed(observations)
        case .fail:
            throw Boom(id: 0)
        }
        return true
    }

    mutating func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<Watcher>) async throws {
        _ = try receiveSynchronously(message, reply: reply, context: context)
    }

    mutating func receiveSignal(_ signal: ActorSignal, context: ActorContext<Watcher>) throws {
        switch signal {
        case .terminated(let terminated):
            observations.append(Observation(via: "signal", terminated: terminated))
            log?.append("signal \(terminated.id)")
        }
    }
}

@Suite("Death watch")
struct WatchTests {
    @Test("watch delivers .terminated with the id, name and reason .stopped")
    func watchStopped() async throws {
        let (system, _) = makeSystem()
        let watcher = try system.spawn(Watcher())
        let counter = try system.spawn(Counter(), name: "watched")
        try await watcher.ask(.watch(counter), returning: Void.self)
        counter.stop()
        _ = await counter.termination
        // The watcher was told (a system message) before `termination` returned.
        let seen: [Observation] = try await watcher.ask(.observations)
        try #require(seen.count == 1)
        #expect(seen[0].via == "signal")
        #expect(seen[0].terminated.id == counter.id)
        #expect(seen[0].terminated.name == "watched")
        #expect(seen[0].terminated.reason.kind == .stopped)
        try await system.shutdown()
    }

    @Test("watch reports a failure as .failed with the error")
    func watchFailed() async throws {
        let (system, _) = makeSystem()
        let watcher = try system.spawn(Watcher())
        let counter = try system.spawn(Counter(), options: SpawnOptions(supervision: .stop))
        try await watcher.ask(.watch(counter), returning: Void.self)
        counter.tell(.fail(4))
        _ = await counter.termination
        let seen: [Observation] = try await watcher.ask(.observations)
        try #require(seen.count == 1)
        #expect(seen[0].terminated.id == counter.id)
        #expect(seen[0].terminated.name == nil)
        #expect(seen[0].terminated.reason.kind == .failed)
        #expect(seen[0].terminated.reason.error as? Boom == Boom(id: 4))
        try await system.shutdown()
    }

    @Test("watch reports .restartLimitExceeded")
    func watchRestartLimit() async throws {
        let (system, _) = makeSystem()
        let watcher = try system.spawn(Watcher())
        let counter = try system.spawn(Counter(), options: SpawnOptions(supervision: .restart(maxRestarts: 1, within: .seconds(60))))
        try await watcher.ask(.watch(counter), returning: Void.self)
        counter.tell(.fail(1))
        counter.tell(.fail(2))
        _ = await counter.termination
        let seen: [Observation] = try await watcher.ask(.observations)
        try #require(seen.count == 1)
        #expect(seen[0].terminated.reason.kind == .restartLimitExceeded)
        #expect(seen[0].terminated.reason.error as? Boom == Boom(id: 2))
        try await system.shutdown()
    }

    @Test("watch(_:with:) delivers the custom message instead of a signal")
    func watchWithMessage() async throws {
        let (system, _) = makeSystem()
        let watcher = try system.spawn(Watcher())
        let counter = try system.spawn(Counter(), name: "watched-by-message")
        try await watcher.ask(.watchWithMessage(counter), returning: Void.self)
        counter.stop()
        _ = await counter.termination
        let seen: [Observation] = try await watcher.ask(.observations)
        try #require(seen.count == 1)
        #expect(seen[0].via == "message")
        #expect(seen[0].terminated.id == counter.id)
        #expect(seen[0].terminated.name == "watched-by-message")
        #expect(seen[0].terminated.reason.kind == .stopped)
        try await system.shutdown()
    }

    @Test("watching an actor that already terminated signals at once, with its final reason")
    func watchAlreadyTerminated() async throws {
        let (system, _) = makeSystem()
        let watcher = try system.spawn(Watcher())
        let counter = try system.spawn(Counter(), options: SpawnOptions(supervision: .stop))
        counter.tell(.fail(8))
        #expect(await counter.termination.kind == .failed)
        try await watcher.ask(.watch(counter), returning: Void.self)
        let seen: [Observation] = try await watcher.ask(.observations)
        try #require(seen.count == 1)
        #expect(seen[0].via == "signal")
        #expect(seen[0].terminated.id == counter.id)
        #expect(seen[0].terminated.reason.kind == .failed)
        try await system.shutdown()
    }

    @Test("unwatch: no signal arrives afterwards")
    func unwatch() async throws {
        let (system, _) = makeSystem()
        let watcher = try system.spawn(Watcher())
        let unwatched = try system.spawn(Counter())
        let watched = try system.spawn(Counter())
        try await watcher.ask(.watch(unwatched), returning: Void.self)
        try await watcher.ask(.watch(watched), returning: Void.self)
        try await watcher.ask(.unwatch(unwatched), returning: Void.self)
        unwatched.stop()
        watched.stop()
        _ = await unwatched.termination
        _ = await watched.termination
        let seen: [Observation] = try await watcher.ask(.observations)
        #expect(seen.map(\.terminated.id) == [watched.id])
        try await system.shutdown()
    }

    @Test("several watchers are all told")
    func severalWatchers() async throws {
        let (system, _) = makeSystem()
        let first = try system.spawn(Watcher())
        let second = try system.spawn(Watcher())
        let counter = try system.spawn(Counter())
        try await first.ask(.watch(counter), returning: Void.self)
        try await second.ask(.watchWithMessage(counter), returning: Void.self)
        counter.stop()
        _ = await counter.termination
        let seenByFirst: [Observation] = try await first.ask(.observations)
        let seenBySecond: [Observation] = try await second.ask(.observations)
        #expect(seenByFirst.map(\.via) == ["signal"])
        #expect(seenBySecond.map(\.via) == ["message"])
        try await system.shutdown()
    }

    @Test("await ref.termination returns the reason, also when awaited after the fact")
    func terminationFromOutside() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter(), options: SpawnOptions(supervision: .stop))
        async let early = counter.termination
        counter.tell(.fail(3))
        let reason = await early
        #expect(reason.kind == .failed)
        #expect(reason.error as? Boom == Boom(id: 3))
        let late = await counter.termination
        #expect(late.kind == .failed)
        #expect(late.error as? Boom == Boom(id: 3))
        try await system.shutdown()
    }

    @Test("actors stopped by shutdown terminate with .systemShutdown")
    func terminationOnShutdown() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter())
        async let reason = counter.termination
        try await system.shutdown()
        #expect(await reason.kind == .systemShutdown)
    }

    @Test(
        "a termination that arrives while the watcher waits out a restart backoff is not lost"
    )
    func signalDuringWatcherBackoff() async throws {
        let (system, clock) = makeSystem()
        let log = Recorder()
        let strategy = SupervisionStrategy.restart(maxRestarts: 5, within: .seconds(600))
            .withBackoff(.exponential(initial: .seconds(30), maximum: .seconds(30), jitter: 0))
        let watcher = try system.spawn(Watcher(log: log), options: SpawnOptions(supervision: strategy))
        let counter = try system.spawn(Counter())
        try await watcher.ask(.watch(counter), returning: Void.self)
        watcher.tell(.fail)
        await clock.waitForPendingTimers(atLeast: 1)  // the watcher is suspended in its backoff
        counter.stop()
        _ = await counter.termination
        clock.advance(by: .seconds(30))
        let _: [Observation] = try await watcher.ask(.observations)
        #expect(log.all == ["signal \(counter.id)"])
        try await system.shutdown()
    }
}
