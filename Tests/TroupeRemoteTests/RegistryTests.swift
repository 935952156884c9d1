import Testing
import Troupe
@testable import TroupeRemote

@Suite("Remote registry and refusal rate limit")
struct RegistryTests {
    @Test("a type's id comes from the name @Actor declares; registering twice is harmless; a taken name is refused")
    func registration() throws {
        let registry = RemoteRegistry()
        try registry.register(Ledger.self)
        try registry.register(Ledger.self)
        #expect(registry.isRegistered(Ledger.self))
        #expect(!registry.isRegistered(Secret.self))
        let id = try #require(registry.typeID(of: Ledger.self))
        #expect(Ledger.messageTypeName == "Ledger.Message")
        #expect(id == MessageTypeID(name: "Ledger.Message"))
        #expect(id.rawValue == 0x2cfa_4faa_72f8_4505, "the FNV-1a hash of the name: the same in every build, on every machine")

        let error = #expect(throws: ActorError.self) {
            try registry.register(Secret.self, as: "Ledger.Message")
        }
        #expect(error?.code == .invalidSettings)
        let renamed = #expect(throws: ActorError.self) { try registry.register(Ledger.self, as: "ledger.v2") }
        #expect(renamed?.code == .invalidSettings)
    }

    @Test("an inbound message's type is found by its id, also for types registered after the first lookup")
    func entryLookup() throws {
        let registry = RemoteRegistry()
        try registry.register(Ledger.self)
        let ledger = try #require(registry.typeID(of: Ledger.self))
        #expect(registry.entry(for: ledger)?.actorType == "Ledger")
        #expect(registry.entry(for: MessageTypeID(name: "Secret.Message")) == nil)
        try registry.register(Secret.self)
        #expect(registry.entry(for: MessageTypeID(name: "Secret.Message"))?.actorType == "Secret")
        #expect(registry.entry(for: ledger)?.actorType == "Ledger")
        #expect(registry.entry(for: MessageTypeID(name: "Unknown.Message")) == nil)
    }

    @Test("refusals are reported at most `burst` times per interval; the rest are counted")
    func rateLimit() {
        var limiter = RateLimiter(burst: 3, interval: .seconds(60))
        let start = ActorInstant.zero
        let allowed = (0..<10).map { limiter.allow(now: start + .seconds($0)) }
        #expect(allowed == [true, true, true, false, false, false, false, false, false, false])
        #expect(limiter.suppressed == 7)
        let nextWindow = limiter.allow(now: start + .seconds(61))
        #expect(nextWindow)
        #expect(limiter.takeSuppressed() == 7)
        #expect(limiter.suppressed == 0)
    }
}
