import Troupe
import TroupeTestKit

@Actor
struct Tally {
    var count = 0
    @Handler mutating func add(_ amount: Int) -> Int {
        count += amount
        return count
    }
    @Handler func total() -> Int { count }
}

/// What a `Reporter` tells its listener.
@Actor
struct Listener {
    @Handler func event(_ name: String) {}
    @Handler func lookup(key: String) -> Int { 0 }
}

extension Listener.Message: Equatable {
    static func == (lhs: Listener.Message, rhs: Listener.Message) -> Bool {
        switch (lhs, rhs) {
        case (.event(let a), .event(let b)): a == b
        case (.lookup(let a), .lookup(let b)): a == b
        default: false
        }
    }
}

/// Reports to a listener: the actor under test in the probe tests.
@Actor
struct Reporter {
    let listener: ActorRef<Listener>
    @Handler func run(jobs: Int) {
        for job in 0..<jobs { listener.tell(.event("job \(job)")) }
    }
    @Handler func fetch(key: String) async throws -> Int {
        try await listener.lookup(key: key) * 10
    }
    @Handler func report(after delay: Duration, context: ActorContext<Reporter>) async throws {
        try await context.clock.sleep(for: delay)
        listener.tell(.event("late"))
    }
}

/// Passes a count down a chain of relays, asking the next one from an async handler and sleeping
/// on the virtual clock in between: asks between actors, timers and tasks, all interleaved.
@Actor
struct Relay {
    let next: ActorRef<Relay>?
    var seen = 0
    @Handler mutating func pass(_ hops: Int, context: ActorContext<Relay>) async throws -> Int {
        seen += 1
        try await context.clock.sleep(for: .milliseconds((hops * 37) % 11))
        guard hops > 0, let next else { return seen }
        return try await next.pass(hops - 1) + 1
    }
    @Handler func visits() -> Int { seen }
}

/// Fails on demand, to test supervision in virtual time.
@Actor
struct Flaky {
    var calls = 0
    @Handler mutating func call(fail: Bool) throws -> Int {
        calls += 1
        if fail { throw FlakyError() }
        return calls
    }
}

struct FlakyError: Error {}

/// A chain of relays and concurrent askers: the scenario of the determinism tests. Returns the sum
/// of the replies; the trace records the schedule.
func relayScenario(_ simulation: Simulation) async throws -> Int {
    let system = try simulation.makeSystem()
    let tail = try system.spawn(Relay(next: nil), name: "relay-3")
    let middle = try system.spawn(Relay(next: tail), name: "relay-2")
    let head = try system.spawn(Relay(next: middle), name: "relay-1")
    let side = try system.spawn(Relay(next: tail), name: "relay-side")
    return try await withThrowingTaskGroup(of: Int.self) { group in
        for asker in 0..<6 {
            let entry = asker.isMultiple(of: 2) ? head : side
            group.addTask { try await entry.pass(asker % 4) }
        }
        var sum = 0
        for try await reply in group { sum += reply }
        simulation.record("sum \(sum)")
        return sum
    }
}
