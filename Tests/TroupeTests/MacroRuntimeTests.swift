import Testing
import Troupe

struct Rejected: Error, Equatable {
    let reason: String
}

/// Exercises every handler shape the macros support, against the real runtime.
@Actor
struct Account {
    var balance = 0
    var history: [String] = []

    @Handler mutating func deposit(_ amount: Int, note: String = "deposit") -> Int {
        balance += amount
        history.append(note)
        return balance
    }

    @Handler mutating func withdraw(amount: Int) throws -> Int {
        guard amount <= balance else { throw Rejected(reason: "insufficient funds") }
        balance -= amount
        return balance
    }

    @Handler func statement() -> [String] { history }

    @Handler mutating func reset() { balance = 0 }

    @Handler mutating func slowDeposit(_ amount: Int, after delay: Duration, context: ActorContext<Account>) async throws -> Int {
        try await context.clock.sleep(for: delay)
        balance += amount
        return balance
    }

    @Handler func whoAmI(context: ActorContext<Account>) -> String { context.name ?? "anonymous" }

    @Handler(reentrant: true) func audit(after delay: Duration, context: ActorContext<Account>) async throws -> Int {
        try await context.clock.sleep(for: delay)
        return balance  // the snapshot taken when the audit started
    }
}

/// A final class can be an actor too.
@Actor
final class Greeter {
    var greeted = 0
    init() {}
    @Handler func greet(name: String) -> String {
        greeted += 1
        return "hello \(name) #\(greeted)"
    }
}

func makeManualSystem() -> (ActorSystem, ManualClock) {
    let clock = ManualClock()
    var settings = ActorSystemSettings()
    settings.clock = clock
    settings.metricsInterval = nil
    settings.randomSeed = 7
    return (ActorSystem(name: "macros", settings: settings), clock)
}

@Suite("Generated handlers against the runtime")
struct MacroRuntimeTests {
    @Test("labelled, unlabelled and defaulted arguments reach the handler")
    func arguments() async throws {
        let (system, _) = makeManualSystem()
        let account = try system.spawn(Account())
        #expect(try await account.deposit(10) == 10)
        #expect(try await account.deposit(5, note: "gift") == 15)
        #expect(try await account.statement() == ["deposit", "gift"])
        try await system.shutdown()
    }

    @Test("a thrown error fails the ask with that same error; supervision restarts the actor")
    func throwingHandler() async throws {
        let (system, _) = makeManualSystem()
        let account = try system.spawn(Account())
        try await account.deposit(3)
        await #expect(throws: Rejected(reason: "insufficient funds")) {
            try await account.withdraw(amount: 5)
        }
        // The default strategy restarts: state starts fresh from the spawn autoclosure.
        #expect(try await account.deposit(1) == 1)
        try await system.shutdown()
    }

    @Test("tell uses the generated message enum; Void handlers can be asked")
    func tellAndVoid() async throws {
        let (system, _) = makeManualSystem()
        let account = try system.spawn(Account())
        account.tell(.deposit(7, note: "told"))
        try await account.reset()
        account.tell(.deposit(2, note: "after reset"))
        #expect(try await account.deposit(0) == 2)
        try await system.shutdown()
    }

    @Test("async handlers take the context and hold the actor across await")
    func asyncHandler() async throws {
        let (system, clock) = makeManualSystem()
        let account = try system.spawn(Account(), name: "bank/alice")
        async let slow = account.slowDeposit(10, after: .seconds(2))
        await clock.waitForPendingTimers(atLeast: 2)  // the ask's timeout and the handler's sleep
        account.tell(.deposit(1, note: "queued"))      // must wait for the async handler
        clock.advance(by: .seconds(2))
        #expect(try await slow == 10)
        #expect(try await account.deposit(0) == 11)
        #expect(try await account.whoAmI() == "bank/alice")
        try await system.shutdown()
    }

    @Test("a reentrant handler runs on a snapshot while later messages are handled")
    func reentrant() async throws {
        let (system, clock) = makeManualSystem()
        let account = try system.spawn(Account())
        try await account.deposit(100)
        async let audited = account.audit(after: .seconds(1))
        await clock.waitForPendingTimers(atLeast: 2)
        // Not blocked by the suspended audit: handled at once.
        #expect(try await account.deposit(5) == 105)
        clock.advance(by: .seconds(1))
        #expect(try await audited == 100)
        try await system.shutdown()
    }

    @Test("a final class actor keeps its state between messages")
    func classActor() async throws {
        let (system, _) = makeManualSystem()
        let greeter = try system.spawn(Greeter())
        #expect(try await greeter.greet(name: "a") == "hello a #1")
        #expect(try await greeter.greet(name: "b") == "hello b #2")
        try await system.shutdown()
    }

    @Test("refs found by lookup have the same generated methods")
    func lookup() async throws {
        let (system, _) = makeManualSystem()
        try system.spawn(Account(), name: "bank/bob")
        let bob = try await system.lookup(Account.self, name: "bank/bob")
        #expect(try await bob.deposit(4) == 4)
        await #expect(throws: ActorError.self) {
            _ = try await system.lookup(Greeter.self, name: "bank/bob")
        }
        try await system.shutdown()
    }
}
