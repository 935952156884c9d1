import Testing
import TroupeTestKit
@testable import TroupeCore

/// A supervised actor that records its hooks as "<label>:<hook>" and can spawn children.
fileprivate struct Worker: ActorBehavior {
    enum Message: Sendable {
        case increment
        case current
        case fail(Int)
        case stopSelf
        case spawnChild(label: String, supervision: SupervisionStrategy?)
        case sleep(Duration)
    }

    let label: String
    let events: Recorder
    var count = 0

    mutating func receiveSynchronously(_ message: Message, reply: ReplyHandle, context: ActorContext<Worker>) throws -> Bool {
        switch message {
        case .increment:
            count += 1
            reply.succeed(count)
        case .current:
            reply.succeed(count)
        case .fail(let id):
            throw Boom(id: id)
        case .stopSelf:
            context.stop()
            reply.succeed(())
        case .spawnChild(let label, let supervision):
            let events = self.events
            let child = try context.spawn(Worker(label: label, events: events), options: SpawnOptions(supervision: supervision))
            reply.succeed(child)
        case .sleep:
            return false
        }
        return true
    }

    mutating func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<Worker>) async throws {
        switch message {
        case .sleep(let duration):
            try await context.clock.sleep(for: duration)
            reply.succeed(count)
        default:
            _ = try receiveSynchronously(message, reply: reply, context: context)
        }
    }

    mutating func preStart(context: ActorContext<Worker>) throws { events.append("\(label):start") }
    mutating func postStop(context: ActorContext<Worker>) { events.append("\(label):stop") }
    mutating func preRestart(error: any Error, context: ActorContext<Worker>) { events.append("\(label):restart") }
}

@Suite("Supervision")
struct SupervisionTests {
    @Test("restart re-creates the actor from its factory; the ref stays valid")
    func restartStartsFresh() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter())
        counter.tell(.increment(5))
        let before: Int = try await counter.ask(.current)
        #expect(before == 5)
        await #expect(throws: Boom(id: 1)) {
            let _: Int = try await counter.ask(.fail(1))
        }
        let after: Int = try await counter.ask(.current)
        #expect(after == 0)
        let incremented: Int = try await counter.ask(.increment(2))
        #expect(incremented == 2)
        try await system.shutdown()
    }

    @Test("hooks run in order: start, restart, start, stop")
    func hookOrder() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        let counter = try system.spawn(Counter(events: events))
        counter.tell(.fail(1))
        let _: Int = try await counter.ask(.current)
        counter.stop()
        let reason = await counter.termination
        #expect(reason.kind == .stopped)
        #expect(events.all == ["start", "restart", "start", "stop"])
        try await system.shutdown()
    }

    @Test("resume keeps the state")
    func resumeKeepsState() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        let counter = try system.spawn(Counter(events: events), options: SpawnOptions(supervision: .resume))
        counter.tell(.increment(3))
        counter.tell(.fail(1))
        counter.tell(.increment(1))
        let count: Int = try await counter.ask(.current)
        #expect(count == 4)
        #expect(events.all == ["start"])
        try await system.shutdown()
    }

    @Test("stop ends the actor with reason .failed and the error")
    func stopOnFailure() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        let counter = try system.spawn(Counter(events: events), options: SpawnOptions(supervision: .stop))
        counter.tell(.fail(9))
        let reason = await counter.termination
        #expect(reason.kind == .failed)
        #expect(reason.isFailure)
        #expect(reason.error as? Boom == Boom(id: 9))
        #expect(events.all == ["start", "stop"])
        try await system.shutdown()
    }

    @Test("the failure after maxRestarts within the window ends the actor with .restartLimitExceeded")
    func restartLimit() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        let counter = try system.spawn(
            Counter(events: events), options: SpawnOptions(supervision: .restart(maxRestarts: 2, within: .seconds(10))))
        counter.tell(.fail(1))
        counter.tell(.fail(2))
        let alive: Int = try await counter.ask(.current)
        #expect(alive == 0)
        counter.tell(.fail(3))
        let reason = await counter.termination
        #expect(reason.kind == .restartLimitExceeded)
        #expect(reason.error as? Boom == Boom(id: 3))
        #expect(events.all == ["start", "restart", "start", "restart", "start", "stop"])
        try await system.shutdown()
    }

    @Test("the restart window slides: old restarts stop counting once the window has passed")
    func restartWindowSlides() async throws {
        let (system, clock) = makeSystem()
        let counter = try system.spawn(
            Counter(), options: SpawnOptions(supervision: .restart(maxRestarts: 2, within: .seconds(10))))
        counter.tell(.fail(1))
        counter.tell(.fail(2))
        let _: Int = try await counter.ask(.current)
        clock.advance(by: .seconds(10))
        counter.tell(.fail(3))
        counter.tell(.fail(4))
        counter.tell(.increment(1))
        let count: Int = try await counter.ask(.current)
        #expect(count == 1, "two more restarts are allowed in the new window")
        counter.tell(.fail(5))
        let reason = await counter.termination
        #expect(reason.kind == .restartLimitExceeded)
        #expect(reason.error as? Boom == Boom(id: 5))
        try await system.shutdown()
    }

    @Test("exponential backoff suspends the actor: messages wait until the backoff has elapsed")
    func backoffSuspends() async throws {
        let simulation = Simulation(seed: 9)
        let events = Recorder()
        try await simulation.run {
            let system = try simulation.makeSystem()
            let strategy = SupervisionStrategy.restart(maxRestarts: 10, within: .seconds(600))
                .withBackoff(.exponential(initial: .seconds(30), maximum: .seconds(60), jitter: 0))
            let counter = try system.spawn(Counter(events: events), options: SpawnOptions(supervision: strategy))
            counter.tell(.increment(3))
            counter.tell(.fail(1))
            await simulation.settle()
            #expect(events.all == ["start", "restart"])
            #expect(simulation.clock.nextDeadline == .zero + .seconds(30), "the backoff")

            // Asked during the backoff: answered by the fresh instance, once the backoff is over.
            let count: Int = try await counter.ask(.current, timeout: .seconds(600))
            #expect(count == 0, "the restarted instance starts fresh")
            #expect(simulation.clock.now == .zero + .seconds(30))
            #expect(events.all == ["start", "restart", "start"])
        }
    }

    @Test("consecutive restarts back off exponentially, capped at the maximum")
    func backoffGrows() async throws {
        let simulation = Simulation(seed: 10)
        let delays = try await simulation.run {
            let system = try simulation.makeSystem()
            let strategy = SupervisionStrategy.restart(maxRestarts: 10, within: .seconds(3_600))
                .withBackoff(.exponential(initial: .seconds(30), maximum: .seconds(60), jitter: 0))
            let counter = try system.spawn(Counter(), options: SpawnOptions(supervision: strategy))
            var delays: [Duration] = []
            for attempt in 1...3 {
                let start = simulation.clock.now
                counter.tell(.fail(attempt))
                let _: Int = try await counter.ask(.current, timeout: .seconds(600))  // after the backoff
                delays.append(simulation.clock.now - start)
            }
            return delays
        }
        #expect(delays == [.seconds(30), .seconds(60), .seconds(60)])
    }

    @Test("a temporary actor is never restarted: a failure stops it")
    func temporaryStops() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        let counter = try system.spawn(
            Counter(events: events), options: SpawnOptions(supervision: SupervisionStrategy.default.withRestartPolicy(.temporary)))
        counter.tell(.fail(2))
        let reason = await counter.termination
        #expect(reason.kind == .failed)
        #expect(reason.error as? Boom == Boom(id: 2))
        #expect(events.all == ["start", "stop"])
        try await system.shutdown()
    }

    @Test("a permanent actor that stops itself is restarted")
    func permanentRestartsOnSelfStop() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        let worker = try system.spawn(
            Worker(label: "w", events: events),
            options: SpawnOptions(supervision: SupervisionStrategy.default.withRestartPolicy(.permanent)))
        worker.tell(.increment)
        worker.tell(.stopSelf)
        let count: Int = try await worker.ask(.current)
        #expect(count == 0)
        #expect(events.all == ["w:start", "w:restart", "w:start"])
        try await system.shutdown()
    }

    @Test("a transient actor that stops itself stays stopped")
    func transientStopsOnSelfStop() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        let worker = try system.spawn(Worker(label: "w", events: events))
        worker.tell(.stopSelf)
        let reason = await worker.termination
        #expect(reason.kind == .stopped)
        #expect(events.all == ["w:start", "w:stop"])
        try await system.shutdown()
    }

    @Test("escalate: the child stops with .failed and the parent's own strategy applies")
    func escalateToParent() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        let parent = try system.spawn(Worker(label: "parent", events: events))
        parent.tell(.increment)
        let child: ActorRef<Worker> = try await parent.ask(.spawnChild(label: "child", supervision: .escalate))
        child.tell(.fail(5))
        let reason = await child.termination
        #expect(reason.kind == .failed)
        #expect(reason.error as? Boom == Boom(id: 5))
        // The escalation reached the parent before the child terminated; an ask sees its restart.
        let count: Int = try await parent.ask(.current)
        #expect(count == 0, "the parent restarted")
        let recorded = events.all
        #expect(recorded.contains("parent:restart"))
        #expect(recorded.filter { $0 == "parent:start" }.count == 2)
        #expect(recorded.contains("child:stop"))
        try await system.shutdown()
    }

    @Test("stopping a parent stops its children first")
    func childrenStopFirst() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        let parent = try system.spawn(Worker(label: "parent", events: events))
        let first: ActorRef<Worker> = try await parent.ask(.spawnChild(label: "c1", supervision: nil))
        let second: ActorRef<Worker> = try await parent.ask(.spawnChild(label: "c2", supervision: nil))
        #expect(first.path.hasPrefix(parent.path + "/"))
        parent.stop()
        #expect(await parent.termination.kind == .stopped)
        #expect(await first.termination.kind == .stopped)
        #expect(await second.termination.kind == .stopped)
        let stops = events.all.filter { $0.hasSuffix(":stop") }
        #expect(stops.count == 3)
        #expect(Set(stops.prefix(2)) == ["c1:stop", "c2:stop"])
        #expect(stops.last == "parent:stop")
        try await system.shutdown()
    }

    @Test("a parent's restart stops its children")
    func restartStopsChildren() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        let parent = try system.spawn(Worker(label: "parent", events: events))
        let child: ActorRef<Worker> = try await parent.ask(.spawnChild(label: "child", supervision: nil))
        parent.tell(.fail(1))
        let reason = await child.termination
        #expect(reason.kind == .stopped)
        let count: Int = try await parent.ask(.increment)
        #expect(count == 1, "the parent is alive with fresh state")
        let recorded = events.all
        let restartIndex = try #require(recorded.firstIndex(of: "parent:restart"))
        let childStopIndex = try #require(recorded.firstIndex(of: "child:stop"))
        #expect(restartIndex < childStopIndex)
        try await system.shutdown()
    }

    @Test(
        "stopping an actor while its async handler is suspended ends it as stopped, without a restart"
    )
    func stopDuringAsyncHandler() async throws {
        let (system, clock) = makeSystem()
        let events = Recorder()
        let worker = try system.spawn(Worker(label: "w", events: events))
        worker.tell(.sleep(.seconds(60)))
        await clock.waitForPendingTimers(atLeast: 1)  // the handler is sleeping
        worker.stop()
        let reason = await worker.termination
        #expect(reason.kind == .stopped)
        #expect(events.all == ["w:start", "w:stop"])
        try await system.shutdown()
    }

    @Test(
        "a .stop-supervised actor stopped during an async handler reports .stopped, not .failed"
    )
    func stopSupervisedStopDuringAsyncHandler() async throws {
        let (system, clock) = makeSystem()
        let events = Recorder()
        let worker = try system.spawn(Worker(label: "w", events: events), options: SpawnOptions(supervision: .stop))
        worker.tell(.sleep(.seconds(60)))
        await clock.waitForPendingTimers(atLeast: 1)
        worker.stop()
        let reason = await worker.termination
        #expect(reason.kind == .stopped)
        #expect(!reason.isFailure)
        try await system.shutdown()
    }
}
