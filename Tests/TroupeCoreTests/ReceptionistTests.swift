import Testing
@testable import TroupeCore

/// An actor of another type than `Counter`, for type mismatches.
fileprivate struct Echo: ActorBehavior {
    enum Message: Sendable { case echo(String) }

    mutating func receiveSynchronously(_ message: Message, reply: ReplyHandle, context: ActorContext<Echo>) throws -> Bool {
        switch message {
        case .echo(let text): reply.succeed(text)
        }
        return true
    }

    mutating func receive(_ message: Message, reply: ReplyHandle, context: ActorContext<Echo>) async throws {
        _ = try receiveSynchronously(message, reply: reply, context: context)
    }
}

@Suite("Receptionist")
struct ReceptionistTests {
    @Test("an actor spawned with a name can be looked up by it")
    func lookupByName() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter(), name: "counter/main")
        #expect(counter.name == "counter/main")
        let found = try await system.lookup(Counter.self, name: "counter/main")
        #expect(found == counter)
        found.tell(.increment(4))
        let count: Int = try await counter.ask(.current)
        #expect(count == 4)
        try await system.shutdown()
    }

    @Test("a name taken by a live actor is refused with duplicateName")
    func duplicateName() async throws {
        let (system, _) = makeSystem()
        let first = try system.spawn(Counter(), name: "unique")
        let live = system.liveActorCount
        let error = #expect(throws: ActorError.self) { try system.spawn(Counter(), name: "unique") }
        #expect(error?.code == .duplicateName)
        #expect(system.liveActorCount == live)
        #expect(try await system.lookup(Counter.self, name: "unique") == first)
        try await system.shutdown()
    }

    @Test("invalid names are refused with invalidName", arguments: ["", "/x", "x/", "a//b", "a b", "$x", "é"])
    func invalidNames(name: String) async throws {
        let (system, _) = makeSystem()
        let error = #expect(throws: ActorError.self) { try system.spawn(Counter(), name: name) }
        #expect(error?.code == .invalidName)
        #expect(system.liveActorCount == 0)
        try await system.shutdown()
    }

    @Test("valid names with every allowed punctuation are accepted")
    func validNames() async throws {
        let (system, _) = makeSystem()
        let name = "a-b_c.d:e/f@g+h9"
        let counter = try system.spawn(Counter(), name: name)
        #expect(try await system.lookup(Counter.self, name: name) == counter)
        try await system.shutdown()
    }

    @Test("looking a name up as the wrong type throws wrongActorType naming both types")
    func wrongType() async throws {
        let (system, _) = makeSystem()
        _ = try system.spawn(Counter(), name: "typed")
        let error = await #expect(throws: ActorError.self) { try await system.lookup(Echo.self, name: "typed") }
        #expect(error?.code == .wrongActorType)
        #expect(error?.message.contains("Counter") == true)
        #expect(error?.message.contains("Echo") == true)
        try await system.shutdown()
    }

    @Test("looking up an unknown name throws nameNotFound")
    func unknownName() async throws {
        let (system, _) = makeSystem()
        let error = await #expect(throws: ActorError.self) { try await system.lookup(Counter.self, name: "nobody") }
        #expect(error?.code == .nameNotFound)
        #expect(error?.message.contains("nobody") == true)
        try await system.shutdown()
    }

    @Test("a name is freed once its actor has stopped")
    func nameFreedAfterStop() async throws {
        let (system, _) = makeSystem()
        let first = try system.spawn(Counter(), name: "reused")
        first.stop()
        _ = await first.termination
        let lookupError = await #expect(throws: ActorError.self) { try await system.lookup(Counter.self, name: "reused") }
        #expect(lookupError?.code == .nameNotFound)
        let second = try system.spawn(Counter(), name: "reused")
        #expect(second != first)
        #expect(try await system.lookup(Counter.self, name: "reused") == second)
        try await system.shutdown()
    }

    @Test("a listing holds the registered actors ordered by id")
    func listingOrderedByID() async throws {
        let (system, _) = makeSystem()
        let key = ReceptionKey<Counter>("workers")
        let counters = try (0..<4).map { _ in try system.spawn(Counter()) }
        for counter in counters.reversed() {
            try system.receptionist.register(counter, key: key)
        }
        try system.receptionist.register(counters[0], key: key)  // idempotent
        let listing = system.receptionist.listing(key)
        #expect(listing.members == counters)
        #expect(listing.map(\.id) == counters.map(\.id).sorted())
        system.receptionist.deregister(counters[1], key: key)
        #expect(system.receptionist.listing(key).members == [counters[0], counters[2], counters[3]])
        try await system.shutdown()
    }

    @Test("subscribe yields the current listing, then one per registration and stop")
    func subscribe() async throws {
        let (system, _) = makeSystem()
        let key = ReceptionKey<Counter>("group")
        let first = try system.spawn(Counter())
        let second = try system.spawn(Counter())
        try system.receptionist.register(first, key: key)
        var listings = system.receptionist.subscribe(key).makeAsyncIterator()
        #expect(await listings.next()?.members == [first])
        try system.receptionist.register(second, key: key)
        #expect(await listings.next()?.members == [first, second])
        first.stop()
        #expect(await listings.next()?.members == [second])
        _ = await first.termination
        #expect(system.receptionist.listing(key).members == [second])
        try await system.shutdown()
    }

    @Test("a reception key holds one actor type; registering another throws wrongActorType")
    func keyOfAnotherType() async throws {
        let (system, _) = makeSystem()
        try system.receptionist.register(try system.spawn(Counter()), key: ReceptionKey<Counter>("shared-id"))
        let echo = try system.spawn(Echo())
        let error = #expect(throws: ActorError.self) {
            try system.receptionist.register(echo, key: ReceptionKey<Echo>("shared-id"))
        }
        #expect(error?.code == .wrongActorType)
        #expect(system.receptionist.listing(ReceptionKey<Echo>("shared-id")).isEmpty)
        try await system.shutdown()
    }

    @Test("a stopped actor cannot be registered under a key")
    func registerStopped() async throws {
        let (system, _) = makeSystem()
        let counter = try system.spawn(Counter())
        counter.stop()
        _ = await counter.termination
        let error = #expect(throws: ActorError.self) {
            try system.receptionist.register(counter, key: ReceptionKey<Counter>("late"))
        }
        #expect(error?.code == .actorStopped)
        #expect(system.receptionist.listing(ReceptionKey<Counter>("late")).isEmpty)
        try await system.shutdown()
    }
}
