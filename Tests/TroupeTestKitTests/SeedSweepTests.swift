import Testing
import Troupe
import TroupeTestKit

/// A lost-update race that only some schedules expose: two async handlers read the tally, wait a
/// seed-chosen moment, and write back what they read plus one. The check fails when an update is lost.
@Actor
struct RacyStore {
    var value = 0
    @Handler func read() -> Int { value }
    @Handler mutating func write(_ newValue: Int) { value = newValue }
}

@Actor
struct Incrementer {
    let store: ActorRef<RacyStore>
    @Handler func bump(context: ActorContext<Incrementer>) async throws {
        let seen = try await store.read()
        try await store.write(seen + 1)
    }
}

@Sendable
func racyScenario(_ simulation: Simulation) async throws {
    let system = try simulation.makeSystem()
    let store = try system.spawn(RacyStore())
    let first = try system.spawn(Incrementer(store: store))
    let second = try system.spawn(Incrementer(store: store))
    async let a: Void = first.bump()
    async let b: Void = second.bump()
    _ = try await (a, b)
    let value = try await store.read()
    if value != 2 { throw TestKitError(.unexpectedMessage, "lost update: value is \(value), not 2") }
}

@Suite("Seed sweep")
struct SeedSweepTests {
    @Test("a sweep finds the seeds whose schedule loses an update, and a replay repeats one exactly")
    func findsAndReplays() async throws {
        let report = await SeedSweep(seeds: 0..<64, honorsEnvironment: false).run(racyScenario)
        #expect(report.seedsRun == 64)
        // The race is real: some schedules lose the update, others do not.
        #expect(!report.passed)
        #expect(report.failingSeeds.count < report.seedsRun)
        #expect(report.description.contains("lost update"))
        #expect(throws: TestKitError.self) { try report.check() }

        let seed = try #require(report.failingSeeds.first)
        let failing = await #expect(throws: TestKitError.self) {
            try await SeedSweep.replay(seed: seed, racyScenario)
        }
        #expect(failing?.message.contains("lost update") == true)

        let passing = try #require((0..<64).first { !report.failingSeeds.contains($0) })
        let first = try await SeedSweep.replay(seed: passing, racyScenario)
        let again = try await SeedSweep.replay(seed: passing, racyScenario)
        #expect(first == again)
    }

    @Test("a sweep of a correct scenario passes every seed")
    func allPass() async throws {
        let report = await SeedSweep(seeds: 0..<20).run { simulation in
            _ = try await relayScenario(simulation)
        }
        #expect(report.passed, "\(report)")
        try report.check()
    }
}
