import Testing
import Troupe
import TroupeTestKit

// The examples of the DocC article "Testing actors" (Sources/TroupeTestKit/TroupeTestKit.docc/
// TestingActors.md). Each region between `// snippet:begin NAME` and `// snippet:end` appears in
// the article verbatim; `ArticleSnippetTests` checks that, so the article cannot drift from code
// that compiles and passes.

// snippet:begin actors
@Actor
struct Greeter {
    let log: ActorRef<AuditLog>
    var greeted = 0

    @Handler mutating func greet(_ name: String, context: ActorContext<Greeter>) -> String {
        greeted += 1
        log.tell(.record("greeted \(name)"))
        context.startSingleTimer("reminder", message: .remind, delay: .seconds(60))
        return "Hello, \(name)!"
    }

    @Handler func remind() {
        log.tell(.record("reminder"))
    }
}

@Actor
struct AuditLog {
    var entries: [String] = []
    @Handler mutating func record(_ entry: String) { entries.append(entry) }
}
// snippet:end

@Suite("Testing actors (article examples)")
struct TestingActorsArticleTests {
    @Test("probes")
    func probes() async throws {
        // snippet:begin probe
        let simulation = Simulation(seed: 1)
        try await simulation.run {
            let system = try simulation.makeSystem()
            let log = try TestProbe(AuditLog.self, in: system)
            let greeter = try system.spawn(Greeter(log: log.ref))

            #expect(try await greeter.greet("Ada") == "Hello, Ada!")
            let entry = try await log.expectMessage { message -> String? in
                if case .record(let entry) = message { entry } else { nil }
            }
            #expect(entry == "greeted Ada")
            try await log.expectNoMessage(for: .seconds(59))
            _ = try await log.expectMessage(timeout: .seconds(2))  // the reminder, at 60 s
        }
        // snippet:end
    }

    @Test("manual clock")
    func manualClock() async throws {
        // snippet:begin manual-clock
        let clock = ManualClock()
        var settings = ActorSystemSettings()
        settings.clock = clock
        let system = ActorSystem(name: "test", settings: settings)
        let log = try TestProbe(AuditLog.self, in: system)
        let greeter = try system.spawn(Greeter(log: log.ref))

        _ = try await greeter.greet("Ada")
        _ = try await log.expectMessage()       // "greeted Ada"
        clock.advance(by: .seconds(60))         // runs the reminder timer, now
        _ = try await log.expectMessage()       // "reminder"
        try await system.shutdown()
        // snippet:end
    }

    @Test("simulation")
    func simulation() async throws {
        // snippet:begin simulation
        let simulation = Simulation(seed: 7)
        let reply = try await simulation.run {
            let system = try simulation.makeSystem()
            let log = try system.spawn(AuditLog())
            let greeter = try system.spawn(Greeter(log: log))
            try await simulation.clock.sleep(for: .seconds(3600))   // no real time passes
            return try await greeter.greet("Grace")
        }
        #expect(reply == "Hello, Grace!")
        print(simulation.trace)          // every turn and task step, in order
        // snippet:end
    }

    @Test("behaviour harness")
    func behaviorHarness() throws {
        // snippet:begin behavior
        let environment = try BehaviorEnvironment()
        let log = try environment.probe(AuditLog.self)
        let kit = try BehaviorTestKit(Greeter(log: log.ref), in: environment)

        let reply: String = try kit.call { try await $0.greet("Ada") }
        #expect(reply == "Hello, Ada!")
        #expect(kit.state?.greeted == 1)
        #expect(kit.takeEffects() == [.timerStarted("reminder", delay: .seconds(60), interval: nil)])
        #expect(log.takeAll().count == 1)

        kit.advance(by: .seconds(60))
        #expect(log.takeAll().count == 1)        // the reminder
        #expect(!kit.isTimerActive("reminder"))
        // snippet:end
    }

    @Test("seed sweep")
    func seedSweep() async throws {
        // snippet:begin seed-sweep
        let report = await SeedSweep(seeds: 0..<100).run { simulation in
            let system = try simulation.makeSystem()
            let log = try system.spawn(AuditLog())
            let greeters = try (0..<3).map { _ in try system.spawn(Greeter(log: log)) }
            try await withThrowingTaskGroup(of: String.self) { group in
                for (index, greeter) in greeters.enumerated() {
                    group.addTask { try await greeter.greet("guest \(index)") }
                }
                try await group.waitForAll()
            }
        }
        try report.check()   // on failure: the failing seeds, and how to replay each
        // snippet:end
    }

    @Test("in-memory network")
    func inMemoryNetwork() async throws {
        // snippet:begin network
        let simulation = Simulation(seed: 3)
        try await simulation.run {
            let network = InMemoryNetwork(clock: simulation.clock, seed: simulation.seed)
            let a = NodeAddress(systemName: "a", host: "memory", port: 1)
            let b = NodeAddress(systemName: "b", host: "memory", port: 2)
            let nodeA = network.makeTransport(address: a)
            let nodeB = network.makeTransport(address: b)
            let inboxA = TransportRecorder()
            let inboxB = TransportRecorder()
            try await nodeA.start(delegate: inboxA)
            try await nodeB.start(delegate: inboxB)

            let ping = WireEnvelope(
                kind: .tell, recipient: "echo", messageType: MessageTypeID(name: "Ping"),
                payload: try BinaryEncoder().encode("ping"))
            network.setFaults(.delay(.milliseconds(50), jitter: .milliseconds(10)), from: a, to: b)
            try nodeA.send(ping, to: b)
            _ = try await inboxB.waitForEnvelopes(count: 1)   // 40 to 60 ms later, in virtual time

            network.partition(a, b)                           // both sides lose the association
            try await inboxA.waitForLostAssociation(with: b)
            try nodeA.send(ping, to: b)                       // dropped, and counted
            #expect(network.stats(from: a, to: b).dropped == 1)
            network.healAll()
        }
        // snippet:end
    }
}
