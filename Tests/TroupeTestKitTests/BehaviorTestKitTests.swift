import Testing
import Troupe
import TroupeTestKit

/// A login session: opens with a user, spawns a worker per job, closes itself after an idle timeout.
@Actor
struct Session {
    let idleTimeout: Duration
    let audit: ActorRef<Listener>
    var user: String?
    var jobs = 0

    @Handler mutating func open(user: String, context: ActorContext<Session>) {
        self.user = user
        context.startSingleTimer("idle", message: .expire, delay: idleTimeout)
        audit.tell(.event("opened \(user)"))
    }

    @Handler mutating func submit(job: String, context: ActorContext<Session>) throws -> Int {
        jobs += 1
        let worker = try context.spawn(Tally(), name: "job-\(jobs)")
        context.watch(worker)
        context.startSingleTimer("idle", message: .expire, delay: idleTimeout)
        return jobs
    }

    @Handler mutating func close(context: ActorContext<Session>) {
        context.cancelTimer("idle")
        context.stop()
    }

    @Handler func expire(context: ActorContext<Session>) {
        audit.tell(.event("expired"))
        context.stop()
    }

    @Handler func check(key: String) async throws -> Int {
        try await audit.lookup(key: key) + 1
    }
}

@Suite("Behaviour harness")
struct BehaviorTestKitTests {
    @Test("run handles a message synchronously; state and effects are inspectable")
    func effects() throws {
        let kit = try makeSessionKit()
        let effects = kit.kit.run(.open(user: "ada"))
        #expect(effects == [.timerStarted("idle", delay: .seconds(30), interval: nil)])
        #expect(kit.kit.state?.user == "ada")
        #expect(kit.kit.isTimerActive("idle"))
        let sent = kit.audit.takeAll().map(\.message)
        #expect(sent == [.event("opened ada")])
    }

    @Test("children spawned and watched appear as effects; ask returns the reply")
    func spawnAndAsk() throws {
        let kit = try makeSessionKit()
        let jobs: Int = try kit.kit.ask(.submit(job: "report"))
        #expect(jobs == 1)
        let effects = kit.kit.takeEffects()
        #expect(effects.count == 3)
        guard case .spawned(let path, let type) = effects.first else {
            Issue.record("expected a spawn first, got \(effects)")
            return
        }
        #expect(path.hasSuffix("/job-1"))
        #expect(type == "Tally")
        #expect(effects[1] == .watched(path: path))
        #expect(effects[2] == .timerStarted("idle", delay: .seconds(30), interval: nil))
        #expect(try kit.kit.call { try await $0.submit(job: "again") } == 2)
    }

    @Test("advance fires the idle timer in virtual time; the actor stops itself")
    func timers() throws {
        let kit = try makeSessionKit()
        kit.kit.run(.open(user: "ada"))
        #expect(kit.kit.advance(by: .seconds(29)).isEmpty)
        #expect(!kit.kit.isTerminated)
        let effects = kit.kit.advance(by: .seconds(1))
        #expect(effects == [.stoppedSelf])
        #expect(kit.kit.isTerminated)
        #expect(kit.kit.terminationReason?.kind == .stopped)
        #expect(kit.kit.state == nil)
        #expect(kit.audit.takeAll().map(\.message) == [.event("opened ada"), .event("expired")])
    }

    @Test("close cancels the timer and stops")
    func close() throws {
        let kit = try makeSessionKit()
        kit.kit.run(.open(user: "ada"))
        #expect(kit.kit.run(.close) == [.timerCancelled("idle"), .stoppedSelf])
        #expect(kit.kit.isTerminated)
    }

    @Test("an async handler that waits for a probe's answer finishes once the test answers")
    func asyncHandler() throws {
        let kit = try makeSessionKit()
        let reply = kit.kit.start { try await $0.check(key: "k") }
        #expect(!reply.isComplete)
        #expect(throws: TestKitError.self) { try reply.get() }
        let asked = try #require(kit.audit.takeAll().first)
        #expect(asked.isAsk)
        asked.reply(41)
        kit.kit.runUntilIdle()
        #expect(try reply.get() == 42)
    }

    @Test("a failing handler is supervised as in a real system: restart gives fresh state")
    func supervision() throws {
        let kit = try BehaviorTestKit(Flaky())
        #expect(try kit.ask(.call(fail: false), returning: Int.self) == 1)
        #expect(throws: FlakyError.self) { try kit.ask(.call(fail: true), returning: Int.self) }
        #expect(kit.state?.calls == 0)
        #expect(try kit.ask(.call(fail: false), returning: Int.self) == 1)
    }
}

/// A session under a harness, with a probe as its audit listener.
private func makeSessionKit() throws -> (kit: BehaviorTestKit<Session>, audit: TestProbe<Listener>) {
    let environment = try BehaviorEnvironment()
    let audit = try environment.probe(Listener.self)
    let kit = try BehaviorTestKit(Session(idleTimeout: .seconds(30), audit: audit.ref), in: environment)
    return (kit, audit)
}
