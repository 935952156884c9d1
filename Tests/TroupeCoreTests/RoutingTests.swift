import Testing
import TroupeTestKit
@testable import TroupeCore

@Suite("Routing")
struct RoutingTests {
    @Test("round-robin hits each routee in turn")
    func roundRobin() async throws {
        let (system, _) = makeSystem()
        let counters = try (0..<3).map { _ in try system.spawn(Counter()) }
        let router = Router(system: system, routees: counters, strategy: .roundRobin)
        let picked = (0..<7).compactMap { _ in router.next() }
        #expect(picked == [counters[0], counters[1], counters[2], counters[0], counters[1], counters[2], counters[0]])

        let told = Router(system: system, routees: counters, strategy: .roundRobin)
        for amount in [1, 10, 100, 1, 10, 100] { told.tell(.increment(amount)) }
        var counts: [Int] = []
        for counter in counters { counts.append(try await counter.ask(.current)) }
        #expect(counts == [2, 20, 200])
        try await system.shutdown()
    }

    @Test("random routing with the same seed picks the same sequence on two systems")
    func seededRandom() async throws {
        let first = try await randomPicks(seed: 7)
        let second = try await randomPicks(seed: 7)
        #expect(first == second)
        #expect(Set(first).count > 1, "the picks vary")
        #expect(try await randomPicks(seed: 8) != first, "another seed picks another sequence")
    }

    /// The indices of the routees a random router over 5 actors picks 50 times, on a fresh system
    /// seeded with `seed`.
    private func randomPicks(seed: UInt64) async throws -> [Int] {
        let (system, _) = makeSystem("random") { $0.randomSeed = seed }
        let counters = try (0..<5).map { _ in try system.spawn(Counter()) }
        let router = Router(system: system, routees: counters, strategy: .random)
        var picks: [Int] = []
        for _ in 0..<50 {
            let routee = try #require(router.next())
            picks.append(try #require(counters.firstIndex(of: routee)))
        }
        try await system.shutdown()
        return picks
    }

    @Test("broadcast reaches every routee")
    func broadcast() async throws {
        let (system, _) = makeSystem()
        let counters = try (0..<3).map { _ in try system.spawn(Counter()) }
        let router = Router(system: system, routees: counters, strategy: .broadcast)
        router.tell(.increment(1))
        router.tell(.increment(2))
        for counter in counters {
            let count: Int = try await counter.ask(.current)
            #expect(count == 3)
        }
        try await system.shutdown()
    }

    @Test(
        "next() on a broadcast router takes the routees in turn, as documented"
    )
    func broadcastNext() async throws {
        let (system, _) = makeSystem()
        let counters = try (0..<3).map { _ in try system.spawn(Counter()) }
        let router = Router(system: system, routees: counters, strategy: .broadcast)
        let picked = (0..<3).compactMap { _ in router.next() }
        #expect(picked == [counters[0], counters[1], counters[2]])
        try await system.shutdown()
    }

    @Test("a router without routees sends to dead letters")
    func noRoutees() async throws {
        let (system, _) = makeSystem()
        let before = system.deadLetters.count
        Router<Counter>(system: system, routees: [], strategy: .roundRobin).tell(.increment(1))
        Router<Counter>(system: system, routees: [], strategy: .broadcast).tell(.increment(1))
        #expect(system.deadLetters.count == before + 2)
        #expect(Router<Counter>(system: system, routees: [], strategy: .random).next() == nil)
        try await system.shutdown()
    }

    @Test("consistent hashing sends the same key to the same routee")
    func consistentHash() async throws {
        let (system, _) = makeSystem()
        let counters = try (0..<4).map { index in try system.spawn(Counter(), name: "shard-\(index)") }
        let router = Router(system: system, routees: counters, strategy: .consistentHash { message in
            if case .record(let sender, _) = message { return "sender-\(sender)" }
            return ""
        })
        for sender in 0..<20 {
            let target = try #require(router.routee(for: .record(sender: sender, sequence: 0)))
            for sequence in 1..<5 {
                #expect(router.routee(for: .record(sender: sender, sequence: sequence)) == target)
            }
        }
        // Every message of one sender lands, in order, on that sender's routee.
        for sender in 0..<20 {
            for sequence in 0..<3 { router.tell(.record(sender: sender, sequence: sequence)) }
        }
        var owners: [Int: Int] = [:]
        for (index, counter) in counters.enumerated() {
            let log: [Int: [Int]] = try await counter.ask(.log)
            for (sender, sequences) in log {
                #expect(sequences == [0, 1, 2])
                #expect(owners.updateValue(index, forKey: sender) == nil, "sender \(sender) reached two routees")
            }
        }
        #expect(owners.count == 20)
        #expect(Set(owners.values).count > 1, "keys spread over several routees")
        try await system.shutdown()
    }

    @Test("two rings built the same way map keys identically")
    func ringsAgree() {
        let members = (0..<10).map { "node-\($0)" }
        let first = ConsistentHashRing(members: members) { $0 }
        let second = ConsistentHashRing(members: members) { $0 }
        for key in (0..<1_000).map({ "key-\($0)" }) {
            #expect(first.member(for: key) == second.member(for: key))
        }
        #expect(ConsistentHashRing<String>(members: [], identity: { $0 }).member(for: "x") == nil)
    }

    @Test("removing one member of ten moves only that member's keys (well under 25%)")
    func ringRemoval() {
        let members = (0..<10).map { "node-\($0)" }
        let before = ConsistentHashRing(members: members) { $0 }
        let after = ConsistentHashRing(members: members.filter { $0 != "node-3" }) { $0 }
        let keys = (0..<1_000).map { "key-\($0)" }
        var moved = 0
        for key in keys {
            let old = before.member(for: key)!
            let new = after.member(for: key)!
            if old != new {
                moved += 1
                #expect(old == "node-3", "\(key) moved from \(old), which was not removed")
            }
        }
        #expect(moved > 0)
        #expect(moved < 250)
        let owners = Set(keys.compactMap { before.member(for: $0) })
        #expect(owners.count == 10, "every member owns some keys")
    }

    @Test("StableHash is stable across runs and machines")
    func stableHash() {
        #expect(StableHash.hash("abc") == 0x0dd4_9049_0804_b508)
        #expect(StableHash.hash("") == 0xf52a_15e9_a9b5_e89b)
        #expect(StableHash.hash("abc") != StableHash.hash("abd"))
    }

    @Test("a router over a reception key drops a routee that stopped")
    func keyRouterDropsStopped() async throws {
        let simulation = Simulation(seed: 8)
        try await simulation.run {
            let system = try simulation.makeSystem()
            let key = ReceptionKey<Counter>("routed")
            let counters = try (0..<3).map { _ in try system.spawn(Counter()) }
            for counter in counters { try system.receptionist.register(counter, key: key) }
            let router = Router(system: system, key: key, strategy: .roundRobin)
            #expect(router.routees == counters, "the current listing is used at once")

            counters[1].stop()
            // The router follows the listings on its own task: let everything settle.
            await simulation.settle()
            #expect(router.routees == [counters[0], counters[2]])
            for _ in 0..<4 { router.tell(.increment(1)) }
            let first: Int = try await counters[0].ask(.current)
            let third: Int = try await counters[2].ask(.current)
            #expect([first, third] == [2, 2])
            router.close()
        }
    }
}
