import Testing
import Troupe
import TroupeRemote
import TroupeTestKit

@Suite("Remote refs over the in-memory transport")
struct RemoteNodeTests {
    @Test("a remote ref has the generated methods: asks and tells cross the wire")
    func askAndTell() async throws {
        let simulation = Simulation(seed: 1)
        try await simulation.run {
            let nodes = try await TwoNodes.make(simulation)
            let ledger = try nodes.a.ref(Ledger.self, name: "ledger", on: nodes.b.address)
            #expect(try await ledger.append(7) == 1)
            ledger.tell(.append(8))
            #expect(try await ledger.all() == [7, 8])
            try await ledger.reset()  // a Void reply
            #expect(try await nodes.ledgerOnB.all() == [])
            #expect(try nodes.a.ref(Ledger.self, name: "ledger", on: nodes.b.address) == ledger, "one proxy per actor")
        }
    }

    @Test("messages from one sender arrive in the order sent", arguments: [UInt64(2), 3, 4])
    func ordering(seed: UInt64) async throws {
        let simulation = Simulation(seed: seed)
        let entries = try await simulation.run {
            let nodes = try await TwoNodes.make(simulation)
            nodes.network.setFaults(.delay(.milliseconds(5), jitter: .milliseconds(4)), between: nodes.a.address, and: nodes.b.address)
            let ledger = try nodes.a.ref(Ledger.self, name: "ledger", on: nodes.b.address)
            for value in 0..<200 { ledger.tell(.append(value)) }
            return try await ledger.all()
        }
        #expect(entries == Array(0..<200))
    }

    @Test("a handler's error reaches the remote asker; runtime error codes travel as codes")
    func errors() async throws {
        let simulation = Simulation(seed: 5)
        try await simulation.run {
            let nodes = try await TwoNodes.make(simulation)
            let ledger = try nodes.a.ref(Ledger.self, name: "ledger", on: nodes.b.address)
            let thrown = await #expect(throws: ActorError.self) { try await ledger.reject("closed") }
            #expect(thrown?.code == .remoteFailure)
            #expect(thrown?.message == "LedgerError: closed")

            // A ref to an actor the node does not have terminates as soon as the node says so.
            let missing = try nodes.a.ref(Ledger.self, name: "no-such-ledger", on: nodes.b.address)
            let reason = await missing.termination
            #expect("\(reason.error.map { "\($0)" } ?? "")".contains("no live actor is registered under the name 'no-such-ledger'"))
            let stopped = await #expect(throws: ActorError.self) { try await missing.all() }
            #expect(stopped?.code == .actorStopped)
        }
    }

    @Test("a message of a type the receiver did not register is refused, never delivered")
    func allowList() async throws {
        let simulation = Simulation(seed: 6)
        try await simulation.run {
            let nodes = try await TwoNodes.make(simulation)
            let secret = try nodes.a.ref(Secret.self, name: "secret", on: nodes.b.address)
            let refused = await #expect(throws: ActorError.self) { try await secret.reveal() }
            #expect(refused?.code == .notSerializable)

            let unregistered = RemoteRegistry()
            let lonely = RemoteNode(system: nodes.a.system, transport: nodes.a.transport, registry: unregistered)
            let error = #expect(throws: ActorError.self) { try lonely.ref(Ledger.self, name: "ledger", on: nodes.b.address) }
            #expect(error?.code == .notSerializable)
        }
    }

    @Test("a partition fails pending asks at once, long before their timeout; healing restores")
    func failFast() async throws {
        let simulation = Simulation(seed: 7)
        try await simulation.run {
            let nodes = try await TwoNodes.make(simulation)
            let ledger = try nodes.a.ref(Ledger.self, name: "ledger", on: nodes.b.address)
            try await ledger.append(5)
            let started = simulation.clock.now
            async let total: Result<Int, any Error> = {
                do { return .success(try await ledger.ask(.slowTotal(after: .seconds(10)), timeout: .seconds(60))) } catch { return .failure(error) }
            }()
            try await simulation.clock.sleep(for: .seconds(1))
            nodes.network.partition(nodes.a.address, nodes.b.address)
            let outcome = await total
            let lost = #expect(throws: ActorError.self) { try outcome.get() }
            #expect(lost?.code == .nodeUnreachable)
            #expect(simulation.clock.now - started == .seconds(1))

            // The old ref ended with the association: it fails fast.
            let stale = await #expect(throws: ActorError.self) { try await ledger.all() }
            #expect(stale?.code == .actorStopped)

            nodes.network.heal(nodes.a.address, nodes.b.address)
            let fresh = try nodes.a.ref(Ledger.self, name: "ledger", on: nodes.b.address)
            #expect(fresh != ledger)
            // The ledger finishes the slow ask first (at 10 s; its reply is dropped: no one waits).
            #expect(try await fresh.ask(.all, returning: [Int].self, timeout: .seconds(30)) == [5])
            #expect(simulation.clock.now - started == .seconds(10))
        }
    }

    @Test("a new incarnation of a node ends what belonged to the old one; refs made before any association bind to the next")
    func newIncarnation() async throws {
        let simulation = Simulation(seed: 9)
        try await simulation.run {
            let nodes = try await TwoNodes.make(simulation)
            let b = nodes.b.address
            // The in-memory transport has no handshake: report the peer's lives as TCP would.
            let unbound = try nodes.a.ref(Ledger.self, name: "ledger", on: b)
            nodes.a.transport(nodes.a.transport, associatedWith: NodeIdentity(address: b, incarnation: 1))
            #expect(try await unbound.append(1) == 1)
            // The same life again (a second connection's handshake) changes nothing.
            nodes.a.transport(nodes.a.transport, associatedWith: NodeIdentity(address: b, incarnation: 1))
            #expect(try await unbound.append(2) == 2)

            let started = simulation.clock.now
            async let total: Result<Int, any Error> = {
                do { return .success(try await unbound.ask(.slowTotal(after: .seconds(10)), timeout: .seconds(60))) } catch { return .failure(error) }
            }()
            try await simulation.clock.sleep(for: .seconds(1))
            nodes.a.transport(nodes.a.transport, associatedWith: NodeIdentity(address: b, incarnation: 2))
            let outcome = await total
            let restarted = #expect(throws: ActorError.self) { try outcome.get() }
            #expect(restarted?.code == .nodeUnreachable)
            #expect(restarted?.message.contains("restarted") == true)
            #expect(simulation.clock.now - started == .seconds(1), "failed at once, not at its timeout")

            let reason = await unbound.termination
            #expect((reason.error as? ActorError)?.code == .nodeUnreachable)
            let stale = await #expect(throws: ActorError.self) { try await unbound.all() }
            #expect(stale?.code == .actorStopped)

            // A ref made now belongs to the new life and survives its handshakes.
            let fresh = try nodes.a.ref(Ledger.self, name: "ledger", on: b)
            #expect(fresh != unbound)
            nodes.a.transport(nodes.a.transport, associatedWith: NodeIdentity(address: b, incarnation: 2))
            #expect(try await fresh.ask(.all, returning: [Int].self, timeout: .seconds(30)) == [1, 2])
        }
    }

    @Test("when every envelope is dropped, an ask times out in virtual time")
    func dropTimesOut() async throws {
        let simulation = Simulation(seed: 8)
        try await simulation.run {
            let nodes = try await TwoNodes.make(simulation)
            nodes.network.setFaults(.drop(1), from: nodes.a.address, to: nodes.b.address)
            let ledger = try nodes.a.ref(Ledger.self, name: "ledger", on: nodes.b.address)
            let started = simulation.clock.now
            let error = await #expect(throws: ActorError.self) {
                try await ledger.ask(.all, returning: [Int].self, timeout: .seconds(30))
            }
            #expect(error?.code == .askTimedOut)
            #expect(simulation.clock.now - started == .seconds(30))
            #expect(nodes.network.stats(from: nodes.a.address, to: nodes.b.address).dropped == 2, "the watch request and the ask")
        }
    }

    @Test("one seed, one trace: remote asks under random loss replay exactly")
    func deterministic() async throws {
        func run() async throws -> (SimulationTrace, [Int]) {
            let simulation = Simulation(seed: 9)
            let values = try await simulation.run {
                let nodes = try await TwoNodes.make(simulation)
                nodes.network.setFaults(.drop(0.3), between: nodes.a.address, and: nodes.b.address)
                let ledger = try nodes.a.ref(Ledger.self, name: "ledger", on: nodes.b.address)
                var answered: [Int] = []
                for value in 0..<20 {
                    if let count = try? await ledger.ask(.append(value), returning: Int.self, timeout: .seconds(1)) {
                        answered.append(count)
                    }
                }
                return answered
            }
            return (simulation.trace, values)
        }
        let first = try await run()
        let second = try await run()
        #expect(first.0 == second.0)
        #expect(first.1 == second.1)
        #expect(first.1.count < 20, "some asks were lost")
    }

    @Test("a watcher of a remote ref learns when the node's association is lost")
    func watchNodeLoss() async throws {
        let simulation = Simulation(seed: 10)
        try await simulation.run {
            let nodes = try await TwoNodes.make(simulation)
            let ledger = try nodes.a.ref(Ledger.self, name: "ledger", on: nodes.b.address)
            try await ledger.append(1)
            let watcher = try TestProbe(Listener.self, in: nodes.a.system)
            try await watcher.expectNoMessage(for: .seconds(1))
            nodes.network.partition(nodes.a.address, nodes.b.address)
            let reason = try await watcher.expectTerminated(ledger)
            #expect(reason.kind == .failed)
            #expect((reason.error as? ActorError)?.code == .nodeUnreachable)
        }
    }

    @Test("a watcher of a remote ref learns when the remote actor stops, with its reason")
    func watchRemoteStop() async throws {
        let simulation = Simulation(seed: 11)
        try await simulation.run {
            let nodes = try await TwoNodes.make(simulation)
            let ledger = try nodes.a.ref(Ledger.self, name: "ledger", on: nodes.b.address)
            try await ledger.append(1)
            let watcher = try TestProbe(Listener.self, in: nodes.a.system)
            try await watcher.expectNoMessage(for: .seconds(1))
            nodes.ledgerOnB.stop()
            let reason = try await watcher.expectTerminated(ledger)
            #expect(reason.kind == .stopped)
            let stale = await #expect(throws: ActorError.self) { try await ledger.all() }
            #expect(stale?.code == .actorStopped)
        }
    }
}
