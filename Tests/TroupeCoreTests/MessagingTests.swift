import Testing
@testable import TroupeCore

@Suite("Messaging")
struct MessagingTests {
    @Test("tell then ask sees every earlier tell")
    func tellThenAsk() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter())
        for _ in 0..<1_000 { counter.tell(.increment(1)) }
        let count: Int = try await counter.ask(.current)
        #expect(count == 1_000)
        try await system.shutdown()
    }

    @Test("ask through the inline path returns the handler's result")
    func inlineAsk() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter())
        let first = try await counter.ask(.increment(5)) { actor, _ in actor.count += 5; return actor.count }
        let second = try await counter.ask(.increment(2)) { actor, _ in actor.count += 2; return actor.count }
        #expect(first == 5)
        #expect(second == 7)
        try await system.shutdown()
    }

    @Test("a handler's thrown error fails the ask with that same error")
    func handlerErrorFailsAsk() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter(), options: SpawnOptions(supervision: .resume))
        await #expect(throws: Boom(id: 7)) {
            let _: Int = try await counter.ask(.fail(7))
        }
        let count: Int = try await counter.ask(.increment(1))
        #expect(count == 1)
        try await system.shutdown()
    }

    @Test("FIFO per sender with 1,000 concurrent senders on the shared pool")
    func fifoPerSender() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter())
        let senders = 1_000
        let perSender = 20
        await withTaskGroup(of: Void.self) { group in
            for sender in 0..<senders {
                group.addTask {
                    for sequence in 0..<perSender {
                        counter.tell(.record(sender: sender, sequence: sequence))
                    }
                }
            }
        }
        let log: [Int: [Int]] = try await counter.ask(.log)
        #expect(log.count == senders)
        for sender in 0..<senders {
            #expect(log[sender] == Array(0..<perSender), "sender \(sender) saw \(log[sender] ?? [])")
        }
        try await system.shutdown()
    }

    @Test("an ask times out on the manual clock with a typed error")
    func askTimeout() async throws {
        let (system, clock) = makeSystem()
        let counter = try system.spawn(Counter())
        async let reply: Int = counter.ask(.sleep(.seconds(60)), timeout: .seconds(1))
        await clock.waitForPendingTimers(atLeast: 2)  // the ask's timeout and the handler's sleep
        clock.advance(by: .seconds(1))
        do {
            _ = try await reply
            Issue.record("expected a timeout")
        } catch let error as ActorError {
            #expect(error.code == .askTimedOut)
        }
        clock.advance(by: .seconds(60))
        try await system.shutdown()
    }

    @Test("cancelling the asking task cancels the ask")
    func cancelAsk() async throws {
        let (system, clock) = makeSystem()
        let counter = try system.spawn(Counter())
        let task = Task { () -> Int in try await counter.ask(.sleep(.seconds(60)), timeout: .seconds(120)) }
        await clock.waitForPendingTimers(atLeast: 2)
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // The ask's timeout timer was freed with the slot; only the handler's sleep remains.
        #expect(clock.pendingTimers == 1)
        clock.advance(by: .seconds(60))
        try await system.shutdown()
    }

    @Test("asks to a stopped actor fail with actorStopped; tells go to dead letters")
    func stoppedActor() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter())
        counter.stop()
        let reason = await counter.termination
        #expect(reason.kind == .stopped)
        do {
            let _: Int = try await counter.ask(.current)
            Issue.record("expected actorStopped")
        } catch let error as ActorError {
            #expect(error.code == .actorStopped)
        }
        let before = system.deadLetters.count
        counter.tell(.increment(1))
        #expect(system.deadLetters.count == before + 1)
        try await system.shutdown()
    }

    @Test("async handlers run one message at a time, across await")
    func asyncOneAtATime() async throws {
        let (system, clock) = makeSystem()
        let counter = try system.spawn(Counter())
        async let slept: Int = counter.ask(.sleep(.seconds(1)))
        await clock.waitForPendingTimers(atLeast: 2)
        // While the async handler is suspended, a told increment must wait for it.
        counter.tell(.increment(1))
        clock.advance(by: .seconds(1))
        #expect(try await slept == 0)
        let after: Int = try await counter.ask(.current)
        #expect(after == 1)
        try await system.shutdown()
    }
}
