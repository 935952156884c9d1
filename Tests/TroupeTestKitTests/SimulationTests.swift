import Testing
import Troupe
import TroupeTestKit

@Suite("Simulation")
struct SimulationTests {
    @Test("a scenario runs to completion and returns its result; systems are shut down after")
    func runsScenario() async throws {
        let simulation = Simulation(seed: 1)
        let (total, system) = try await simulation.run {
            let system = try simulation.makeSystem()
            let tally = try system.spawn(Tally())
            tally.tell(.add(2))
            tally.tell(.add(3))
            return (try await tally.total(), system)
        }
        #expect(total == 5)
        #expect(system.isShuttingDown)
        #expect(system.liveActorCount == 0)
        #expect(simulation.trace.events.contains { if case .turn = $0.kind { true } else { false } })
    }

    @Test("one seed gives one trace; async handlers asking each other included")
    func sameSeedSameTrace() async throws {
        var traces: [SimulationTrace] = []
        var sums: [Int] = []
        for _ in 0..<3 {
            let simulation = Simulation(seed: 99)
            sums.append(try await simulation.run { try await relayScenario(simulation) })
            traces.append(simulation.trace)
        }
        #expect(traces[0].events.count > 50)
        #expect(traces[1] == traces[0])
        #expect(traces[2] == traces[0])
        #expect(Set(sums).count == 1)
    }

    @Test("different seeds explore different schedules")
    func seedsDiffer() async throws {
        var digests = Set<String>()
        for seed in 0..<8 as Range<UInt64> {
            let simulation = Simulation(seed: seed)
            _ = try await simulation.run { try await relayScenario(simulation) }
            digests.insert(simulation.trace.digest)
        }
        #expect(digests.count > 1)
    }

    @Test("30 s of supervision backoff pass in virtual time")
    func backoffInVirtualTime() async throws {
        let simulation = Simulation(seed: 3)
        let calls = try await simulation.run {
            let system = try simulation.makeSystem()
            let strategy = SupervisionStrategy.restart().withBackoff(.exponential(initial: .seconds(30), maximum: .seconds(60), jitter: 0))
            let flaky = try system.spawn(Flaky(), options: SpawnOptions(supervision: strategy))
            await #expect(throws: FlakyError.self) { try await flaky.call(fail: true) }
            // Queued during the backoff; handled by the fresh instance once it ends.
            return try await flaky.ask(.call(fail: false), returning: Int.self, timeout: .seconds(120))
        }
        #expect(calls == 1)
        #expect(simulation.clock.now >= ActorInstant.zero + .seconds(30))
    }

    @Test("an ask that is never answered times out after its 60 s in virtual time")
    func askTimeoutInVirtualTime() async throws {
        let simulation = Simulation(seed: 4)
        let code = try await simulation.run {
            let system = try simulation.makeSystem()
            let probe = try TestProbe(Listener.self, in: system)
            do {
                _ = try await probe.ref.ask(.lookup(key: "never"), returning: Int.self, timeout: .seconds(60))
                return ActorError.Code?.none
            } catch let error as ActorError {
                return error.code
            }
        }
        #expect(code == .askTimedOut)
        #expect(simulation.clock.now == ActorInstant.zero + .seconds(60))
    }

    @Test("a scenario waiting for what never happens fails as stalled, with the trace's tail")
    func stallIsReported() async throws {
        var settings = SimulationSettings()
        settings.stallTimeout = .milliseconds(50)
        let simulation = Simulation(seed: 5, settings: settings)
        let error = await #expect(throws: TestKitError.self) {
            try await simulation.run {
                let system = try simulation.makeSystem()
                let tally = try system.spawn(Tally())
                _ = await tally.termination  // nobody stops it
            }
        }
        #expect(error?.code == .stalled)
        #expect(error?.message.contains("last steps") == true)
    }

    @Test("a scenario that outlives its virtual time limit fails")
    func timeLimit() async throws {
        var settings = SimulationSettings()
        settings.timeLimit = .seconds(10)
        let simulation = Simulation(seed: 6, settings: settings)
        let error = await #expect(throws: TestKitError.self) {
            try await simulation.run {
                try await simulation.clock.sleep(for: .seconds(11))
            }
        }
        #expect(error?.code == .timeLimitExceeded)
    }

    @Test("notes appear in the trace, in order, at their virtual time")
    func notes() async throws {
        let simulation = Simulation(seed: 7)
        try await simulation.run {
            simulation.record("before")
            try await simulation.clock.sleep(for: .seconds(2))
            simulation.record("after")
        }
        let notes = simulation.trace.events.compactMap { event -> String? in
            if case .note(let text) = event.kind { return "\(text)@\(event.time)" }
            return nil
        }
        #expect(notes == ["before@\(ActorInstant.zero)", "after@\(ActorInstant.zero + .seconds(2))"])
    }
}
