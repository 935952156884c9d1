import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing
@testable import TroupeCore

@Suite("ActorSystem as a Service")
struct ServiceTests {
    @Test("a graceful shutdown (SIGTERM in a ServiceGroup) runs coordinated shutdown and stops every actor")
    func gracefulShutdown() async throws {
        let (system, _) = makeSystem()
        let events = Recorder()
        let counter = try system.spawn(Counter(events: events))
        system.coordinatedShutdown.addTask(in: .serviceStop, name: "record") {
            events.append("phase")
        }
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await system.run() }
                #expect(try await counter.ask(.increment(1)) as Int == 1)
                trigger.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
        #expect(system.liveActorCount == 0)
        #expect(events.all == ["start", "phase", "stop"])
        #expect(await counter.termination.kind == .systemShutdown)
    }

    @Test("run() returns once shutdown() completes")
    func runReturnsAfterShutdown() async throws {
        let (system, _) = makeSystem()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await system.run() }
            try await system.shutdown()
            try await group.waitForAll()
        }
        #expect(system.isShuttingDown)
    }
}
