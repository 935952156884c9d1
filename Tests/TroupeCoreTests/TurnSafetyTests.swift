import Testing
@testable import TroupeCore

/// An actor that tries turn-only operations where they are not allowed.
private struct Misbehaving: ActorBehavior {
    enum Message: Sendable {
        case spawnFromReentrant
        case ping
    }

    let events: Recorder
    var target: ActorRef<Counter>? = nil

    mutating func preStart(context: ActorContext<Misbehaving>) throws {
        if let target { context.watch(target) }
    }

    static func isReentrant(_ message: Message) -> Bool {
        if case .spawnFromReentrant = message { return true }
        return false
    }

    mutating func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<Misbehaving>) async throws {
        switch message {
        case .spawnFromReentrant:
            do {
                _ = try context.spawn(Counter())
                reply.succeed("spawned")
            } catch let error as ActorError {
                reply.succeed("\(error.code)")
            }
        case .ping:
            reply.succeed("pong")
        }
    }

    mutating func receiveSignal(_ signal: ActorSignal, context: ActorContext<Misbehaving>) throws {
        do {
            try context.stash()
            events.append("stashed a signal")
        } catch let error as ActorError {
            events.append("stash in signal: \(error.code)")
        }
    }

    mutating func postStop(context: ActorContext<Misbehaving>) {
        do {
            _ = try context.spawn(Counter())
            events.append("spawned in postStop")
        } catch let error as ActorError {
            events.append("spawn in postStop: \(error.code)")
        } catch {
            events.append("spawn in postStop: \(error)")
        }
    }
}

@Suite("Turn safety")
struct TurnSafetyTests {
    @Test("a reentrant handler cannot spawn children: it runs beside the actor's turn")
    func reentrantSpawn() async throws {
        let (system, _) = makeSystem()
        let actor = try system.spawn(Misbehaving(events: Recorder()))
        let answer: String = try await actor.ask(.spawnFromReentrant)
        #expect(answer == "invalidState")
        try await system.shutdown()
    }

    @Test("stash() outside a message handler throws instead of stashing a stale message")
    func stashInSignal() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        let watched = try system.spawn(Counter())
        let watcher = try system.spawn(Misbehaving(events: events, target: watched))
        watched.stop()
        _ = await watched.termination
        // The signal is handled before this ask (system messages come first).
        let pong: String = try await watcher.ask(.ping)
        #expect(pong == "pong")
        #expect(events.all.contains("stash in signal: invalidState"))
        #expect(!events.all.contains("stashed a signal"))
        try await system.shutdown()
    }

    @Test("a stopping actor cannot spawn children (a child spawned in postStop would be orphaned)")
    func spawnInPostStop() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        let actor = try system.spawn(Misbehaving(events: events))
        actor.stop()
        _ = await actor.termination
        #expect(events.all == ["spawn in postStop: actorStopped"])
        try await system.shutdown()
        #expect(system.liveActorCount == 0)
    }

    @Test("an ask waiting for room in a full suspendSender mailbox ends at its timeout")
    func askTimesOutWaitingForRoom() async throws {
        let (system, clock) = makeSystem()
        let counter = try system.spawn(
            Counter(), options: SpawnOptions(mailbox: .bounded(1, overflow: .suspendSender)))
        counter.tell(.sleep(.seconds(60)))  // taken by the handler: the one place is in flight
        await clock.waitForPendingTimers(atLeast: 1)
        async let reply: Int = counter.ask(.current, timeout: .seconds(1))
        // The handler's sleep, the ask's timeout and its wait-for-room deadline.
        await clock.waitForPendingTimers(atLeast: 3)
        clock.advance(by: .seconds(1))
        do {
            _ = try await reply
            Issue.record("expected the ask to time out")
        } catch let error as ActorError {
            #expect(error.code == .askTimedOut)
        }
        clock.advance(by: .seconds(60))
        try await system.shutdown()
    }

    @Test("a pinned spawn that fails releases its dedicated thread")
    func failedPinnedSpawn() async throws {
        let (system, _) = makeSystem()
        try system.spawn(Counter(), name: "taken")
        #expect(throws: ActorError.self) {
            try system.spawn(Counter(), name: "taken", options: SpawnOptions(dispatcher: .pinned))
        }
        try await system.shutdown()
    }
}
