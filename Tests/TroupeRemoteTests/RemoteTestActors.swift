import Troupe
import TroupeRemote
import TroupeTestKit

@Actor
struct Ledger {
    var entries: [Int] = []
    @Handler mutating func append(_ value: Int) -> Int {
        entries.append(value)
        return entries.count
    }
    @Handler func all() -> [Int] { entries }
    @Handler func reject(_ reason: String) throws -> Int { throw LedgerError(reason: reason) }
    @Handler mutating func reset() { entries = [] }
    @Handler func slowTotal(after delay: Duration, context: ActorContext<Ledger>) async throws -> Int {
        try await context.clock.sleep(for: delay)
        return entries.reduce(0, +)
    }
}

extension Ledger.Message: Codable {}

struct LedgerError: Error, CustomStringConvertible {
    let reason: String
    var description: String { "LedgerError: \(reason)" }
}

/// A type only node A registers: B must refuse its messages.
@Actor
struct Secret {
    @Handler func reveal() -> String { "secret" }
}

extension Secret.Message: Codable {}

/// Two systems in one simulation, each with a remote node on one in-memory network. B hosts a
/// ledger named "ledger".
struct TwoNodes {
    let network: InMemoryNetwork
    let a: RemoteNode
    let b: RemoteNode
    let ledgerOnB: ActorRef<Ledger>

    static func make(_ simulation: Simulation, registerSecretOnB: Bool = false) async throws -> TwoNodes {
        let network = InMemoryNetwork(clock: simulation.clock, seed: simulation.seed)
        let addressA = NodeAddress(systemName: "a", host: "memory", port: 1)
        let addressB = NodeAddress(systemName: "b", host: "memory", port: 2)
        let registryA = RemoteRegistry()
        try registryA.register(Ledger.self)
        try registryA.register(Secret.self)
        let registryB = RemoteRegistry()
        try registryB.register(Ledger.self)
        if registerSecretOnB { try registryB.register(Secret.self) }
        let systemA = try simulation.makeSystem(name: "a")
        let systemB = try simulation.makeSystem(name: "b")
        let a = RemoteNode(system: systemA, transport: network.makeTransport(address: addressA), registry: registryA)
        let b = RemoteNode(system: systemB, transport: network.makeTransport(address: addressB), registry: registryB)
        try await a.start()
        try await b.start()
        let ledger = try systemB.spawn(Ledger(), name: "ledger")
        try systemB.spawn(Secret(), name: "secret")
        return TwoNodes(network: network, a: a, b: b, ledgerOnB: ledger)
    }
}

/// An actor type for probes that only watch.
@Actor
struct Listener {
    @Handler func event(_ name: String) {}
}
