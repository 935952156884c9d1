import CoreMetrics
import MetricsTestKit
import Testing
@testable import TroupeCore

/// An actor whose `preStart` throws.
fileprivate struct FailingStart: ActorBehavior {
    enum Message: Sendable { case ping }

    mutating func receiveSynchronously(_ message: Message, reply: ReplyHandle, context: ActorContext<FailingStart>) throws -> Bool {
        reply.succeed(())
        return true
    }

    mutating func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<FailingStart>) async throws {
        reply.succeed(())
    }

    mutating func preStart(context: ActorContext<FailingStart>) throws {
        throw Boom(id: 42)
    }
}

/// Asks its peer, or itself, from async handlers.
fileprivate struct Pinger: ActorBehavior {
    enum Message: Sendable {
        case setPeer(ActorRef<Pinger>)
        case askPeer
        case askSelf
        case value
        case askSelfFromTask
    }

    var peer: ActorRef<Pinger>?

    mutating func receiveSynchronously(_ message: Message, reply: ReplyHandle, context: ActorContext<Pinger>) throws -> Bool {
        switch message {
        case .setPeer(let peer):
            self.peer = peer
            reply.succeed(())
        case .value:
            reply.succeed(42)
        case .askPeer, .askSelf, .askSelfFromTask:
            return false
        }
        return true
    }

    mutating func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<Pinger>) async throws {
        switch message {
        case .askPeer:
            guard let peer else { throw Boom(id: -1) }
            let value: Int = try await peer.ask(.askPeer)
            reply.succeed(value)
        case .askSelf:
            let value: Int = try await context.ref.ask(.value)
            reply.succeed(value)
        case .askSelfFromTask:
            // A task that outlives the handler asks this actor once the handler has returned.
            let me = context.ref
            let task = Task { () -> Int in try await me.ask(.value) }
            reply.succeed(task)
        default:
            _ = try receiveSynchronously(message, reply: reply, context: context)
        }
    }
}

fileprivate enum Door: Hashable, Sendable {
    case closed, open, locked
}

/// A door whose `open` state times out into `closed`.
fileprivate struct DoorActor: ActorBehavior {
    enum Message: Sendable {
        case open(timeout: Duration?)
        case close
        case lock
        case autoClose
        case state
    }

    let events: Recorder
    var door = FiniteStateMachine(initial: Door.closed, transitions: [
        .closed: [.open, .locked], .open: [.closed], .locked: [.closed],
    ])

    mutating func receiveSynchronously(_ message: Message, reply: ReplyHandle, context: ActorContext<DoorActor>) throws -> Bool {
        switch message {
        case .open(let timeout):
            try door.transition(to: .open, context: context, timeout: timeout, timeoutMessage: .autoClose)
            reply.succeed(())
        case .close:
            try door.transition(to: .closed, context: context)
            reply.succeed(())
        case .lock:
            try door.transition(to: .locked, context: context)
            reply.succeed(())
        case .autoClose:
            events.append("autoClose")
            try door.transition(to: .closed, context: context)
        case .state:
            reply.succeed(door.state)
        }
        return true
    }

    mutating func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<DoorActor>) async throws {
        _ = try receiveSynchronously(message, reply: reply, context: context)
    }
}

/// An event type nobody publishes.
fileprivate struct Unpublished: Sendable, Equatable {
    var marker = 0
}

@Suite("Actor system")
struct SystemTests {
    // MARK: Shutdown

    @Test("shutdown runs the coordinated-shutdown phases in order, then stops every actor")
    func coordinatedShutdown() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        system.coordinatedShutdown.addTask(in: .serviceStop, name: "c") { events.append("service-stop") }
        system.coordinatedShutdown.addTask(in: .beforeServiceUnbind, name: "a") { events.append("before-service-unbind") }
        system.coordinatedShutdown.addTask(in: .beforeActorSystemTerminate, name: "d") { events.append("before-terminate") }
        system.coordinatedShutdown.addTask(in: .init(name: "custom", order: 250), name: "b") { events.append("custom-250") }
        #expect(system.coordinatedShutdown.phases.map(\.order) == [100, 250, 400, 800])
        let counter = try system.spawn(Counter(events: events))
        _ = try system.spawn(Counter())
        #expect(system.liveActorCount == 2)

        try await system.shutdown()
        #expect(events.all == ["start", "before-service-unbind", "custom-250", "service-stop", "before-terminate", "stop"])
        #expect(system.liveActorCount == 0)
        #expect(system.isShuttingDown)
        #expect(await counter.termination.kind == .systemShutdown)
        try await system.shutdown()  // a second shutdown returns too
        await system.terminated
    }

    @Test("a failing shutdown task does not stop the shutdown")
    func failingShutdownTask() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        system.coordinatedShutdown.addTask(in: .serviceUnbind, name: "throws") { throw Boom(id: 1) }
        system.coordinatedShutdown.addTask(in: .serviceStop, name: "after") { events.append("after") }
        _ = try system.spawn(Counter(events: events))
        try await system.shutdown()
        #expect(events.all == ["start", "after", "stop"])
        #expect(system.liveActorCount == 0)
    }

    @Test("a shutdown phase that overruns its timeout is cancelled and the shutdown goes on")
    func shutdownPhaseTimeout() async throws {
        let (system, clock) = makeSystem { $0.shutdownPhaseTimeout = .seconds(10) }
        let events = Recorder()
        system.coordinatedShutdown.addTask(in: .serviceStop, name: "hangs") {
            do {
                try await system.clock.sleep(for: .seconds(3_600))
                events.append("finished")
            } catch {
                events.append("cancelled")
            }
        }
        _ = try system.spawn(Counter(events: events))
        let shutdown = Task { try await system.shutdown() }
        await clock.waitForPendingTimers(atLeast: 2)  // the task's sleep and the phase timeout
        clock.advance(by: .seconds(10))
        try await shutdown.value
        #expect(events.all == ["start", "cancelled", "stop"])
        #expect(system.liveActorCount == 0)
    }

    @Test("spawning after shutdown throws systemShutDown")
    func spawnAfterShutdown() async throws {
        let (system, _) = makeSystem()
        try await system.shutdown()
        let error = #expect(throws: ActorError.self) { try system.spawn(Counter()) }
        #expect(error?.code == .systemShutDown)
        #expect(system.liveActorCount == 0)
    }

    // MARK: Spawning

    @Test("a throwing preStart makes spawn throw that error and leaves the name free")
    func preStartThrows() async throws {
        let (system, _) = makeSystem()
        #expect(throws: Boom(id: 42)) { try system.spawn(FailingStart(), name: "starter") }
        #expect(system.liveActorCount == 0)
        let lookupError = await #expect(throws: ActorError.self) { try await system.lookup(FailingStart.self, name: "starter") }
        #expect(lookupError?.code == .nameNotFound)
        let counter = try system.spawn(Counter(), name: "starter")
        #expect(try await system.lookup(Counter.self, name: "starter") == counter)
        #expect(system.liveActorCount == 1)
        try await system.shutdown()
    }

    // MARK: Ask cycles

    @Test("an ask cycle between two actors fails with askCycle naming both, instead of hanging")
    func askCycle() async throws {
        let (system, _) = makeSystem()
        let alpha = try system.spawn(Pinger(), name: "alpha", options: SpawnOptions(supervision: .resume))
        let beta = try system.spawn(Pinger(), name: "beta", options: SpawnOptions(supervision: .resume))
        try await alpha.ask(.setPeer(beta), returning: Void.self)
        try await beta.ask(.setPeer(alpha), returning: Void.self)
        let error = await #expect(throws: ActorError.self) {
            let _: Int = try await alpha.ask(.askPeer)
        }
        #expect(error?.code == .askCycle)
        #expect(error?.message.contains("alpha") == true)
        #expect(error?.message.contains("beta") == true)
        // Both actors are free again.
        #expect(try await alpha.ask(.value) == 42)
        #expect(try await beta.ask(.value) == 42)
        try await system.shutdown()
    }

    @Test("an actor asking itself from an async handler fails with askCycle")
    func selfAsk() async throws {
        let (system, _) = makeSystem()
        let alpha = try system.spawn(Pinger(), name: "alpha", options: SpawnOptions(supervision: .resume))
        let error = await #expect(throws: ActorError.self) {
            let _: Int = try await alpha.ask(.askSelf)
        }
        #expect(error?.code == .askCycle)
        #expect(error?.message.contains("alpha") == true)
        #expect(try await alpha.ask(.value) == 42)
        try await system.shutdown()
    }

    @Test(
        "a task started by an async handler may ask its actor once the handler has returned"
    )
    func taskFromHandlerAsksItsActor() async throws {
        let (system, _) = makeSystem()
        let alpha = try system.spawn(Pinger(), name: "alpha", options: SpawnOptions(supervision: .resume))
        let task: Task<Int, any Error> = try await alpha.ask(.askSelfFromTask)
        #expect(try await task.value == 42)
        try await system.shutdown()
    }

    // MARK: Event stream

    @Test("the event stream delivers events to subscribers of their exact type only")
    func eventStreamTyped() async throws {
        let (system, _) = makeSystem()
        var ints = system.eventStream.subscribe(to: Int.self).makeAsyncIterator()
        var strings = system.eventStream.subscribe(to: String.self).makeAsyncIterator()
        var unpublished = system.eventStream.subscribe(to: Unpublished.self).makeAsyncIterator()
        #expect(system.eventStream.subscriberCount(of: Int.self) == 1)
        system.eventStream.publish(1)
        system.eventStream.publish("one")
        system.eventStream.publish(2)
        system.eventStream.publish(Unpublished(marker: 7))  // the sentinel
        #expect(await ints.next() == 1)
        #expect(await ints.next() == 2)
        #expect(await strings.next() == "one")
        #expect(await unpublished.next() == Unpublished(marker: 7), "nothing of another type came first")
        try await system.shutdown()
    }

    @Test("an actor subscribed to the event stream gets events as messages until it stops")
    func eventStreamToActor() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter())
        system.eventStream.subscribe(counter, to: Int.self) { .increment($0) }
        #expect(system.eventStream.subscriberCount(of: Int.self) == 1)
        system.eventStream.publish(3)
        system.eventStream.publish(4)
        let count: Int = try await counter.ask(.current)
        #expect(count == 7)
        counter.stop()
        _ = await counter.termination
        #expect(system.eventStream.subscriberCount(of: Int.self) == 0)
        try await system.shutdown()
    }

    @Test("tells to a stopped actor are counted and published as dead letters")
    func deadLettersToStopped() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter(), name: "gone")
        counter.stop()
        _ = await counter.termination
        var deadLetters = system.eventStream.subscribe(to: DeadLetter.self).makeAsyncIterator()
        let before = system.deadLetters.count
        for _ in 0..<3 { counter.tell(.increment(1)) }
        #expect(system.deadLetters.count == before + 3)
        let first = try #require(await deadLetters.next())
        #expect(first.recipient == "gone")
        #expect(first.recipientID == counter.id)
        #expect(first.messageType.contains("Message"))
        #expect(first.reason.contains("stopped"))
        try await system.shutdown()
    }

    // MARK: Settings

    @Test("invalid settings throw invalidSettings")
    func invalidSettings() throws {
        var zeroTimeout = ActorSystemSettings()
        zeroTimeout.clock = ManualClock()
        zeroTimeout.askTimeout = .zero
        let error = #expect(throws: ActorError.self) { try ActorSystem(name: "bad", validating: zeroTimeout) }
        #expect(error?.code == .invalidSettings)
        #expect(error?.message.contains("askTimeout") == true)

        var noThreads = ActorSystemSettings()
        noThreads.clock = ManualClock()
        noThreads.dispatcherThreads = 0
        let threadsError = #expect(throws: ActorError.self) { try ActorSystem(name: "bad", validating: noThreads) }
        #expect(threadsError?.code == .invalidSettings)

        var endlessLinger = ActorSystemSettings()
        endlessLinger.clock = ManualClock()
        endlessLinger.lingerTurns = 256
        let lingerError = #expect(throws: ActorError.self) { try ActorSystem(name: "bad", validating: endlessLinger) }
        #expect(lingerError?.code == .invalidSettings)
        #expect(lingerError?.message.contains("lingerTurns") == true)
    }

    @Test("with lingering turned off, an actor on the worker pool still handles every message")
    func lingeringOff() async throws {
        var settings = ActorSystemSettings()
        settings.lingerTurns = 0
        settings.metricsInterval = nil
        let system = try ActorSystem(name: "no-linger", validating: settings)
        let counter = try system.spawn(Counter())
        for _ in 0..<1_000 { counter.tell(.increment(1)) }
        let count: Int = try await counter.ask(.current)
        #expect(count == 1_000)
        try await system.shutdown()
    }

    // MARK: Finite state machine

    @Test("a state machine allows the listed transitions and refuses the others")
    func fsmTransitions() throws {
        var door = FiniteStateMachine(initial: Door.closed, transitions: [
            .closed: [.open, .locked], .open: [.closed], .locked: [.closed],
        ])
        #expect(door.canTransition(to: .open))
        try door.transition(to: .open)
        #expect(door.state == .open)
        #expect(!door.canTransition(to: .locked))
        let error = #expect(throws: FiniteStateMachineError.self) { try door.transition(to: .locked) }
        #expect(error?.from == "open")
        #expect(error?.to == "locked")
        #expect(door.state == .open, "a refused transition leaves the state")
        #expect(door.transitionCount == 1)

        var free = FiniteStateMachine(initial: Door.closed)
        try free.transition(to: .locked)
        try free.transition(to: .open)
        #expect(free.state == .open)
    }

    @Test("a state timeout delivers its message on the manual clock unless the state changes first")
    func fsmStateTimeout() async throws {
        let (system, clock) = makeSystem()
        let events = Recorder()
        let door = try system.spawn(DoorActor(events: events))
        try await door.ask(.open(timeout: .seconds(30)), returning: Void.self)
        clock.advance(by: .seconds(29))
        #expect(try await door.ask(.state) == Door.open)
        clock.advance(by: .seconds(1))
        #expect(try await door.ask(.state) == Door.closed)
        #expect(events.all == ["autoClose"])

        // Closing before the timeout cancels it.
        try await door.ask(.open(timeout: .seconds(30)), returning: Void.self)
        try await door.ask(.close, returning: Void.self)
        clock.advance(by: .seconds(60))
        #expect(try await door.ask(.state) == Door.closed)
        #expect(events.all == ["autoClose"])

        // A forbidden transition fails the ask and keeps the state.
        try await door.ask(.lock, returning: Void.self)
        await #expect(throws: FiniteStateMachineError.self) { try await door.ask(.open(timeout: nil), returning: Void.self) }
        try await system.shutdown()
    }
}

@Suite("Metrics", .serialized)
struct MetricsTests {
    /// A system whose metrics go to `metrics` (bound task-locally while the system creates its
    /// handles, so that nothing global changes).
    private func makeMeasuredSystem(_ name: String, _ metrics: TestMetrics) -> (ActorSystem, ManualClock) {
        withMetricsFactory(metrics) { makeSystem(name) }
    }

    @Test("restarts are counted in troupe_actor_restarts_total with the system's name")
    func restartsCounted() async throws {
        let metrics = TestMetrics()
        let (system, _) = makeMeasuredSystem("metrics-restarts", metrics)
        let restarts = try metrics.expectCounter("troupe_actor_restarts_total", [("system", "metrics-restarts")])
        let before = restarts.totalValue
        let counter = try system.spawn(Counter())
        counter.tell(.fail(1))
        counter.tell(.fail(2))
        let _: Int = try await counter.ask(.current)
        #expect(restarts.totalValue == before + 2)
        try await system.shutdown()
    }

    @Test("dead letters are counted in troupe_dead_letters_total with the system's name")
    func deadLettersCounted() async throws {
        let metrics = TestMetrics()
        let (system, _) = makeMeasuredSystem("metrics-dead-letters", metrics)
        let deadLetters = try metrics.expectCounter("troupe_dead_letters_total", [("system", "metrics-dead-letters")])
        let before = deadLetters.totalValue
        let counter = try system.spawn(Counter())
        counter.stop()
        _ = await counter.termination
        for _ in 0..<3 { counter.tell(.increment(1)) }
        #expect(deadLetters.totalValue == before + 3)
        #expect(Int(deadLetters.totalValue - before) == 3)
        try await system.shutdown()
    }
}
