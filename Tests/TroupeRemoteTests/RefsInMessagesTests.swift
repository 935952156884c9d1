import Testing
import Troupe
import TroupeRemote
import TroupeTestKit

@Actor
struct Collector {
    var items: [String] = []
    @Handler mutating func collect(_ item: String) { items.append(item) }
    @Handler func collected() -> [String] { items }
}

extension Collector.Message: Codable {}

/// Works with refs it receives and hands out.
@Actor
struct Directory {
    let home: ActorRef<Collector>
    @Handler func forward(_ item: String, to target: ActorRef<Collector>) {
        target.tell(.collect(item))
    }
    @Handler func homeCollector() -> ActorRef<Collector> { home }
    @Handler func echoRef(_ ref: ActorRef<Collector>) -> ActorRef<Collector> { ref }
}

extension Directory.Message: Codable {}

/// Two nodes that both register `Collector` and `Directory`; B hosts a directory and a collector.
private func makeNodes(_ simulation: Simulation) async throws -> (a: RemoteNode, b: RemoteNode, collectorOnB: ActorRef<Collector>) {
    let network = InMemoryNetwork(clock: simulation.clock, seed: simulation.seed)
    func node(_ name: String, port: UInt16) async throws -> RemoteNode {
        let registry = RemoteRegistry()
        try registry.register(Collector.self)
        try registry.register(Directory.self)
        let node = RemoteNode(
            system: try simulation.makeSystem(name: name),
            transport: network.makeTransport(address: NodeAddress(systemName: name, host: "memory", port: port)),
            registry: registry)
        try await node.start()
        return node
    }
    let a = try await node("a", port: 1)
    let b = try await node("b", port: 2)
    let collector = try b.system.spawn(Collector(), name: "collector")
    try b.system.spawn(Directory(home: collector), name: "directory")
    return (a, b, collector)
}

@Suite("Refs inside messages")
struct RefsInMessagesTests {
    @Test("a local ref sent to another node arrives as a remote ref that reaches back")
    func refTravelsOut() async throws {
        let simulation = Simulation(seed: 21)
        try await simulation.run {
            let (a, b, _) = try await makeNodes(simulation)
            let mine = try a.system.spawn(Collector(), name: "mine")
            let directory = try a.ref(Directory.self, name: "directory", on: b.address)
            try await directory.forward("from b", to: mine)
            await simulation.settle()
            #expect(try await mine.collected() == ["from b"])
        }
    }

    @Test("a reply can carry a ref: to an actor on the replying node, or back home as the local ref")
    func refInReply() async throws {
        let simulation = Simulation(seed: 22)
        try await simulation.run {
            let (a, b, collectorOnB) = try await makeNodes(simulation)
            let directory = try a.ref(Directory.self, name: "directory", on: b.address)
            let remoteCollector = try await directory.homeCollector()
            try await remoteCollector.collect("via a ref in a reply")
            #expect(try await collectorOnB.collected() == ["via a ref in a reply"])

            let mine = try a.system.spawn(Collector(), name: "mine")
            let back = try await directory.echoRef(mine)
            #expect(back == mine, "a ref that comes home is the local ref itself")
        }
    }

    @Test("an actor without a name cannot be sent: the ask fails with notSerializable")
    func unnamed() async throws {
        let simulation = Simulation(seed: 23)
        try await simulation.run {
            let (a, b, _) = try await makeNodes(simulation)
            let anonymous = try a.system.spawn(Collector())
            let directory = try a.ref(Directory.self, name: "directory", on: b.address)
            let error = await #expect(throws: ActorError.self) { try await directory.forward("x", to: anonymous) }
            #expect(error?.code == .notSerializable)
        }
    }
}
