import SwiftProtobuf
import Troupe
import TroupeProtobuf
import TroupeRemote
import TroupeTestKit

extension Troupe_Example_StockQuery: ProtobufPayload {}
extension Troupe_Example_StockLevel: ProtobufPayload {}
extension Troupe_Example_StockChange: ProtobufCodable {}

/// An actor whose whole message is a protobuf message, with a protobuf reply.
struct Inventory: ActorBehavior {
    typealias Message = Troupe_Example_StockQuery
    var stock: [String: Int64] = ["apple": 3, "pear": 0]

    mutating func receive(_ query: Troupe_Example_StockQuery, reply: ReplyHandle, context: ActorContext<Inventory>) async throws {
        guard let count = stock[query.sku] else { throw ActorError(.nameNotFound, "no item \(query.sku)") }
        reply.succeed(Troupe_Example_StockLevel.with {
            $0.sku = query.sku
            $0.count = count
            $0.warehouses = ["north", "south"]
        })
    }
}

/// An `@Actor` whose handlers take and return protobuf messages next to Swift values.
@Actor
struct Warehouse {
    var stock: [String: Int64] = [:]
    var notes: [String] = []
    @Handler mutating func apply(_ change: Troupe_Example_StockChange, note: String) -> Int64 {
        notes.append("\(note) \(change.delta)")
        stock[change.sku, default: 0] += change.delta
        return stock[change.sku, default: 0]
    }
    @Handler func journal() -> [String] { notes }
    @Handler func level(sku: String) -> Troupe_Example_StockLevel {
        Troupe_Example_StockLevel.with {
            $0.sku = sku
            $0.count = stock[sku, default: 0]
        }
    }
}

extension Warehouse.Message: Codable {}

/// Two nodes on one in-memory network in a simulation; B hosts "inventory" and "warehouse".
struct ProtobufNodes {
    let network: InMemoryNetwork
    let a: RemoteNode
    let b: RemoteNode

    static func make(_ simulation: Simulation) async throws -> ProtobufNodes {
        let network = InMemoryNetwork(clock: simulation.clock, seed: simulation.seed)
        func node(_ name: String, port: UInt16) async throws -> RemoteNode {
            let registry = RemoteRegistry()
            try registry.register(Inventory.self)
            try registry.register(Warehouse.self)
            let node = RemoteNode(
                system: try simulation.makeSystem(name: name),
                transport: network.makeTransport(address: NodeAddress(systemName: name, host: "memory", port: port)),
                registry: registry)
            try await node.start()
            return node
        }
        let a = try await node("a", port: 1)
        let b = try await node("b", port: 2)
        try b.system.spawn(Inventory(), name: "inventory")
        try b.system.spawn(Warehouse(), name: "warehouse")
        return ProtobufNodes(network: network, a: a, b: b)
    }
}
