import Testing
@testable import TroupeCore

/// Enqueues an ask on the calling task, before returning, so that several asks have a known mailbox
/// order (concurrent `ask` calls from several tasks would not); the returned task awaits the reply.
fileprivate func enqueueAsk<A: ActorBehavior, R: Sendable>(
    _ ref: ActorRef<A>, _ message: A.Message, returning: R.Type
) -> Task<R, any Error> {
    let slot = ReplySlot<R>()
    let cell = ref.cell
    switch cell.offer(Envelope(message, reply: slot)) {
    case .enqueued: break
    case .full: slot.fail(ActorError(.mailboxFull, "full"))
    case .rejected(let error): slot.fail(error)
    }
    return Task { try await cell.awaitReply(slot, enqueueing: nil, timeout: .seconds(3_600)) }
}

/// An actor that starts and cancels timers on request and records the timer messages it handles.
fileprivate struct Ticker: ActorBehavior {
    enum Message: Sendable {
        case single(TimerKey, tick: String, delay: Duration)
        case periodic(TimerKey, tick: String, interval: Duration)
        case cancel(TimerKey)
        case isActive(TimerKey)
        case tick(String)
        case sleepThenCancel(Duration, TimerKey)
        case fail
    }

    let ticks: Recorder

    mutating func receiveSynchronously(_ message: Message, reply: ReplyHandle, context: ActorContext<Ticker>) throws -> Bool {
        switch message {
        case .single(let key, let tick, let delay):
            context.startSingleTimer(key, message: .tick(tick), delay: delay)
            reply.succeed(())
        case .periodic(let key, let tick, let interval):
            context.startPeriodicTimer(key, message: .tick(tick), interval: interval)
            reply.succeed(())
        case .cancel(let key):
            context.cancelTimer(key)
            reply.succeed(())
        case .isActive(let key):
            reply.succeed(context.isTimerActive(key))
        case .tick(let name):
            ticks.append(name)
        case .sleepThenCancel:
            return false
        case .fail:
            throw Boom(id: 0)
        }
        return true
    }

    mutating func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<Ticker>) async throws {
        switch message {
        case .sleepThenCancel(let duration, let key):
            try await context.clock.sleep(for: duration)
            context.cancelTimer(key)
            reply.succeed(())
        default:
            _ = try receiveSynchronously(message, reply: reply, context: context)
        }
    }
}

@Suite("Stash and timers")
struct StashTimerTests {
    // MARK: Stash

    @Test("stashed asks get their replies only after unstashAll, in stash order")
    func stashedAsksReplyAfterUnstash() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter())
        let done = (CompletionFlag(), CompletionFlag(), CompletionFlag())
        let first = enqueueAsk(counter, .stashUntilOpen(1), returning: [Int].self)
        let second = enqueueAsk(counter, .stashUntilOpen(2), returning: [Int].self)
        let third = enqueueAsk(counter, .stashUntilOpen(3), returning: [Int].self)
        let watchers = [(first, done.0), (second, done.1), (third, done.2)].map { task, flag in
            Task { _ = try? await task.value; flag.set() }
        }
        // All three were handled (and stashed) before this ask.
        let count: Int = try await counter.ask(.current)
        #expect(count == 0)
        #expect(!done.0.isSet && !done.1.isSet && !done.2.isSet, "no stashed ask has its reply yet")

        try await counter.ask(.open, returning: Void.self)
        #expect(try await first.value == [1])
        #expect(try await second.value == [1, 2])
        #expect(try await third.value == [1, 2, 3])
        for watcher in watchers { await watcher.value }
        try await system.shutdown()
    }

    @Test("stashed tells are handled after unstashAll, before later messages")
    func stashedTellsBeforeLaterMessages() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter())
        counter.tell(.stashUntilOpen(1))
        counter.tell(.stashUntilOpen(2))
        counter.tell(.open)
        let handled: [Int] = try await counter.ask(.stashUntilOpen(3))
        #expect(handled == [1, 2, 3])
        try await system.shutdown()
    }

    @Test("the stash holds at most stashCapacity messages; one more throws stashFull")
    func stashCapacity() async throws {
        let (system, _) = makeSystem { $0.stashCapacity = 2 }
        let counter = try system.spawn(Counter(), options: SpawnOptions(supervision: .resume))
        counter.tell(.stashUntilOpen(1))
        counter.tell(.stashUntilOpen(2))
        let error = await #expect(throws: ActorError.self) {
            let _: [Int] = try await counter.ask(.stashUntilOpen(3))
        }
        #expect(error?.code == .stashFull)
        try await counter.ask(.open, returning: Void.self)
        let handled: [Int] = try await counter.ask(.stashUntilOpen(4))
        #expect(handled == [1, 2, 4])
        try await system.shutdown()
    }

    @Test("stashed asks fail with actorStopped when the actor stops")
    func stashedAsksFailOnStop() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter())
        let stashed = enqueueAsk(counter, .stashUntilOpen(1), returning: [Int].self)
        let _: Int = try await counter.ask(.current)  // the ask is stashed now
        counter.stop()
        _ = await counter.termination
        let error = await #expect(throws: ActorError.self) { try await stashed.value }
        #expect(error?.code == .actorStopped)
        try await system.shutdown()
    }

    // MARK: Timers

    @Test("a single timer fires once its delay has passed, not before")
    func singleTimer() async throws {
        let (system, clock) = makeSystem()
        let ticks = Recorder()
        let ticker = try system.spawn(Ticker(ticks: ticks))
        try await ticker.ask(.single("once", tick: "fired", delay: .seconds(10)), returning: Void.self)
        clock.advance(by: .seconds(9))
        #expect(try await ticker.ask(.isActive("once")) == true)
        #expect(ticks.all == [])
        clock.advance(by: .seconds(1))
        // The timer's system message is queued before this ask.
        #expect(try await ticker.ask(.isActive("once")) == false)
        #expect(ticks.all == ["fired"])
        clock.advance(by: .seconds(60))
        #expect(try await ticker.ask(.isActive("once")) == false)
        #expect(ticks.all == ["fired"])
        try await system.shutdown()
    }

    @Test("a periodic timer fires once per interval")
    func periodicTimer() async throws {
        let (system, clock) = makeSystem()
        let ticks = Recorder()
        let ticker = try system.spawn(Ticker(ticks: ticks))
        try await ticker.ask(.periodic("every", tick: "tick", interval: .seconds(2)), returning: Void.self)
        clock.advance(by: .seconds(1))
        #expect(try await ticker.ask(.isActive("every")) == true)
        #expect(ticks.all.isEmpty)
        for expected in 1...5 {
            clock.advance(by: .seconds(2))
            #expect(try await ticker.ask(.isActive("every")) == true)
            #expect(ticks.all.count == expected)
        }
        try await ticker.ask(.cancel("every"), returning: Void.self)
        clock.advance(by: .seconds(10))
        #expect(try await ticker.ask(.isActive("every")) == false)
        #expect(ticks.all.count == 5)
        try await system.shutdown()
    }

    @Test("a cancelled timer never delivers")
    func cancelledTimer() async throws {
        let (system, clock) = makeSystem()
        let ticks = Recorder()
        let ticker = try system.spawn(Ticker(ticks: ticks))
        try await ticker.ask(.single("t", tick: "late", delay: .seconds(5)), returning: Void.self)
        try await ticker.ask(.cancel("t"), returning: Void.self)
        #expect(clock.pendingTimers == 0)
        clock.advance(by: .seconds(10))
        #expect(try await ticker.ask(.isActive("t")) == false)
        #expect(ticks.all.isEmpty)
        try await system.shutdown()
    }

    @Test("a timer cancelled after it fell due, before its message was handled, never delivers")
    func cancelledAfterDue() async throws {
        let (system, clock) = makeSystem()
        let ticks = Recorder()
        let ticker = try system.spawn(Ticker(ticks: ticks))
        try await ticker.ask(.single("t", tick: "late", delay: .seconds(5)), returning: Void.self)
        // The handler sleeps past the timer's deadline (the timer fires meanwhile), then cancels it.
        let sleeper = Task { try await ticker.ask(.sleepThenCancel(.seconds(10), "t"), returning: Void.self, timeout: .seconds(600)) }
        await clock.waitForPendingTimers(atLeast: 3)  // the timer, the ask's timeout, the sleep
        clock.advance(by: .seconds(10))
        try await sleeper.value
        #expect(try await ticker.ask(.isActive("t")) == false)
        #expect(ticks.all.isEmpty)
        try await system.shutdown()
    }

    @Test("starting a timer under a key in use replaces the old one")
    func replaceTimer() async throws {
        let (system, clock) = makeSystem()
        let ticks = Recorder()
        let ticker = try system.spawn(Ticker(ticks: ticks))
        try await ticker.ask(.single("k", tick: "old", delay: .seconds(5)), returning: Void.self)
        try await ticker.ask(.single("k", tick: "new", delay: .seconds(10)), returning: Void.self)
        #expect(clock.pendingTimers == 1, "the old timer was cancelled")
        clock.advance(by: .seconds(20))
        #expect(try await ticker.ask(.isActive("k")) == false)
        #expect(ticks.all == ["new"])
        try await system.shutdown()
    }

    @Test("timers are cancelled when the actor stops")
    func timersCancelledOnStop() async throws {
        let (system, clock) = makeSystem()
        let ticks = Recorder()
        let ticker = try system.spawn(Ticker(ticks: ticks))
        try await ticker.ask(.single("once", tick: "single", delay: .seconds(5)), returning: Void.self)
        try await ticker.ask(.periodic("every", tick: "periodic", interval: .seconds(1)), returning: Void.self)
        #expect(clock.pendingTimers == 2)
        ticker.stop()
        _ = await ticker.termination
        #expect(clock.pendingTimers == 0)
        clock.advance(by: .seconds(30))
        #expect(ticks.all.isEmpty)
        try await system.shutdown()
    }

    @Test("timers are cancelled when the actor restarts")
    func timersCancelledOnRestart() async throws {
        let (system, clock) = makeSystem()
        let ticks = Recorder()
        let ticker = try system.spawn(Ticker(ticks: ticks))
        try await ticker.ask(.periodic("every", tick: "periodic", interval: .seconds(1)), returning: Void.self)
        ticker.tell(.fail)
        #expect(try await ticker.ask(.isActive("every")) == false)
        #expect(clock.pendingTimers == 0)
        clock.advance(by: .seconds(30))
        #expect(try await ticker.ask(.isActive("every")) == false)
        #expect(ticks.all.isEmpty)
        try await system.shutdown()
    }
}
