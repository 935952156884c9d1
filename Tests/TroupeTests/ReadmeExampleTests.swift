import Testing
import Troupe

@Actor
struct ExampleCounter {
    var count = 0
    @Handler mutating func increment(by amount: Int) -> Int { count += amount; return count }
    @Handler func current() -> Int { count }
}

@Suite("README example")
struct ReadmeExampleTests {
    @Test("the README example compiles and runs unchanged")
    func readmeExample() async throws {
        let system = ActorSystem(name: "demo")
        let counter = try system.spawn(ExampleCounter(), name: "counter/main")
        let five = try await counter.increment(by: 5)
        #expect(five == 5)
        counter.tell(.increment(by: 1))
        let found = try await system.lookup(ExampleCounter.self, name: "counter/main")
        let six = try await found.current()
        #expect(six == 6)
        try await system.shutdown()
    }
}
