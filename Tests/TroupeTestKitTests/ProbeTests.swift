import Testing
import Troupe
import TroupeTestKit

@Suite("Test probes")
struct ProbeTests {
    @Test("a probe stands in for an actor type: the actor under test tells it, the probe expects")
    func expectMessages() async throws {
        let simulation = Simulation(seed: 11)
        try await simulation.run {
            let system = try simulation.makeSystem()
            let listener = try TestProbe(Listener.self, in: system)
            let reporter = try system.spawn(Reporter(listener: listener.ref))
            reporter.tell(.run(jobs: 3))
            try await listener.expectMessage(.event("job 0"))
            let name = try await listener.expectMessage { message -> String? in
                if case .event(let name) = message { name } else { nil }
            }
            #expect(name == "job 1")
            #expect(try await listener.receiveMessages(1) == [.event("job 2")])
            try await listener.expectNoMessage(for: .seconds(1))
        }
    }

    @Test("send to a probe returns once the probe has the message, which it sees as a tell; a stopped probe refuses")
    func sendToProbe() async throws {
        let simulation = Simulation(seed: 13)
        try await simulation.run {
            let system = try simulation.makeSystem()
            let listener = try TestProbe(Listener.self, in: system)
            try await listener.ref.send(.event("sent"))
            try await listener.expectMessage(.event("sent"))
            listener.ref.stop()
            _ = await listener.ref.termination
            let refused = await #expect(throws: ActorError.self) { try await listener.ref.send(.event("late")) }
            #expect(refused?.code == .actorStopped)
        }
    }

    @Test("expectMessage times out in virtual time, naming the probe and the source line")
    func timeout() async throws {
        let simulation = Simulation(seed: 12)
        let error = try await simulation.run {
            let system = try simulation.makeSystem()
            let listener = try TestProbe(Listener.self, in: system)
            do {
                try await listener.expectMessage(timeout: .seconds(30))
                return TestKitError?.none
            } catch let error as TestKitError {
                return error
            }
        }
        #expect(error?.code == .timedOut)
        #expect(error?.description.contains("ProbeTests.swift") == true)
        #expect(simulation.clock.now == ActorInstant.zero + .seconds(30))
    }

    @Test("expectNoMessage fails when a message arrives in the window")
    func unexpectedMessage() async throws {
        let simulation = Simulation(seed: 13)
        let code = try await simulation.run {
            let system = try simulation.makeSystem()
            let listener = try TestProbe(Listener.self, in: system)
            let reporter = try system.spawn(Reporter(listener: listener.ref))
            reporter.tell(.report(after: .seconds(2)))
            do {
                try await listener.expectNoMessage(for: .seconds(5))
                return TestKitError.Code?.none
            } catch let error as TestKitError {
                return error.code
            }
        }
        #expect(code == .unexpectedMessage)
        #expect(simulation.clock.now == ActorInstant.zero + .seconds(2))
    }

    @Test("the test answers an ask the actor under test sent to the probe")
    func answerAsk() async throws {
        let simulation = Simulation(seed: 14)
        let result = try await simulation.run {
            let system = try simulation.makeSystem()
            let listener = try TestProbe(Listener.self, in: system)
            let reporter = try system.spawn(Reporter(listener: listener.ref))
            async let fetched = reporter.fetch(key: "answer")
            let asked = try await listener.receive()
            #expect(asked.isAsk)
            guard case .lookup(let key) = asked.message else {
                Issue.record("expected a lookup, got \(asked.message)")
                return -1
            }
            #expect(key == "answer")
            asked.reply(42)
            return try await fetched
        }
        #expect(result == 420)
    }

    @Test("a failed reply reaches the asker as the given error")
    func failAsk() async throws {
        let simulation = Simulation(seed: 15)
        try await simulation.run {
            let system = try simulation.makeSystem()
            let listener = try TestProbe(Listener.self, in: system)
            async let fetched: Result<Int, any Error> = { () async -> Result<Int, any Error> in
                do { return .success(try await listener.ref.lookup(key: "k")) } catch { return .failure(error) }
            }()
            try await listener.receive().fail(FlakyError())
            let outcome = await fetched
            #expect(throws: FlakyError.self) { try outcome.get() }
        }
    }

    @Test("fishForMessage skips, keeps and completes")
    func fishing() async throws {
        let simulation = Simulation(seed: 16)
        try await simulation.run {
            let system = try simulation.makeSystem()
            let listener = try TestProbe(Listener.self, in: system)
            let reporter = try system.spawn(Reporter(listener: listener.ref))
            reporter.tell(.run(jobs: 5))
            let kept = try await listener.fishForMessage { message in
                switch message {
                case .event("job 1"), .event("job 3"): .continue
                case .event("job 4"): .complete
                default: .ignore
                }
            }
            #expect(kept == [.event("job 1"), .event("job 3"), .event("job 4")])
            reporter.tell(.run(jobs: 1))
            let error = await #expect(throws: TestKitError.self) {
                try await listener.fishForMessage { _ in .fail("not this one") }
            }
            #expect(error?.code == .fishingFailed)
        }
    }

    @Test("expectTerminated returns the reason, or times out when the actor lives on")
    func terminated() async throws {
        let simulation = Simulation(seed: 17)
        try await simulation.run {
            let system = try simulation.makeSystem()
            let listener = try TestProbe(Listener.self, in: system)
            let tally = try system.spawn(Tally())
            let error = await #expect(throws: TestKitError.self) {
                try await listener.expectTerminated(tally, timeout: .seconds(1))
            }
            #expect(error?.code == .timedOut)
            tally.stop()
            let reason = try await listener.expectTerminated(tally)
            #expect(reason.kind == .stopped)
        }
    }

    @Test("a probe registered under a name is what lookup finds; stopped, it sends to dead letters")
    func namedProbe() async throws {
        let simulation = Simulation(seed: 18)
        try await simulation.run {
            let system = try simulation.makeSystem()
            let probe = try TestProbe(Tally.self, in: system, name: "tally/main")
            let found = try await system.lookup(Tally.self, name: "tally/main")
            #expect(found == probe.ref)
            found.tell(.add(3))
            guard case .add(3) = try await probe.expectMessage() else {
                Issue.record("expected add(3)")
                return
            }
            let letters = system.eventStream.subscribe(to: DeadLetter.self)
            probe.stop()
            try await probe.expectTerminated(probe.ref)
            found.tell(.add(4))
            var iterator = letters.makeAsyncIterator()
            let letter = await iterator.next()
            #expect(letter?.recipient == "tally/main")
        }
    }

    @Test("a MessageSink probe receives plain values")
    func sink() async throws {
        let simulation = Simulation(seed: 19)
        try await simulation.run {
            let system = try simulation.makeSystem()
            let probe = try TestProbe(MessageSink<Int>.self, in: system)
            for value in [3, 1, 2] { probe.ref.tell(value) }
            #expect(try await probe.receiveMessages(3) == [3, 1, 2])
            #expect(probe.pendingCount == 0)
        }
    }

    @Test("probes work outside a simulation too: real worker threads, manual clock")
    func realThreads() async throws {
        var settings = ActorSystemSettings()
        let clock = ManualClock()
        settings.clock = clock
        settings.metricsInterval = nil
        let system = ActorSystem(name: "threads", settings: settings)
        let listener = try TestProbe(Listener.self, in: system)
        let reporter = try system.spawn(Reporter(listener: listener.ref))
        reporter.tell(.run(jobs: 100))
        let events = try await listener.receiveMessages(100)
        #expect(events.last == .event("job 99"))
        #expect(listener.takeAll().isEmpty)
        try await system.shutdown()
    }
}
