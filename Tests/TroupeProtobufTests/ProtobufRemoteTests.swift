import SwiftProtobuf
import Testing
import Troupe
import TroupeProtobuf
import TroupeRemote
import TroupeTestKit

@Suite("Protobuf messages across nodes")
struct ProtobufRemoteTests {
    @Test("an actor whose message is a protobuf message answers asks from another node with a protobuf reply")
    func protobufActor() async throws {
        let simulation = Simulation(seed: 1)
        try await simulation.run {
            let nodes = try await ProtobufNodes.make(simulation)
            let inventory = try nodes.a.ref(Inventory.self, name: "inventory", on: nodes.b.address)
            let level = try await inventory.ask(Troupe_Example_StockQuery.with { $0.sku = "apple" }, returning: Troupe_Example_StockLevel.self)
            let expected = Troupe_Example_StockLevel.with { $0.sku = "apple"; $0.count = 3; $0.warehouses = ["north", "south"] }
            #expect(level == expected)

            let missing = await #expect(throws: ActorError.self) {
                try await inventory.ask(Troupe_Example_StockQuery.with { $0.sku = "plum" }, returning: Troupe_Example_StockLevel.self)
            }
            #expect(missing?.code == .nameNotFound)
        }
    }

    @Test("protobuf messages as handler arguments and replies of an @Actor, next to Swift values")
    func protobufInsideCodableMessages() async throws {
        let simulation = Simulation(seed: 2)
        try await simulation.run {
            let nodes = try await ProtobufNodes.make(simulation)
            let warehouse = try nodes.a.ref(Warehouse.self, name: "warehouse", on: nodes.b.address)
            // (Values built outside `#expect`: a `.with { }` closure inside its expansion made the
            // next `.with { }` in this function build the wrong value, with Swift 6.3.1.)
            let delivery = Troupe_Example_StockChange.with { $0.sku = "apple"; $0.delta = 5 }
            let sale = Troupe_Example_StockChange.with { $0.sku = "apple"; $0.delta = -2 }
            let total = try await warehouse.apply(delivery, note: "delivery")
            #expect(total == 5)
            warehouse.tell(.apply(sale, note: "sale"))
            let level = try await warehouse.level(sku: "apple")
            let expected = Troupe_Example_StockLevel.with { $0.sku = "apple"; $0.count = 3 }
            #expect(level == expected)
            #expect(try await warehouse.journal() == ["delivery 5", "sale -2"])
        }
    }

    @Test("the wire name is the protobuf full name; the payload is plain protobuf bytes")
    func wireFormat() throws {
        #expect(Inventory.messageTypeName == "troupe.example.StockQuery")
        let registry = RemoteRegistry()
        try registry.register(Inventory.self)
        #expect(registry.isRegistered(Inventory.self))

        let query = Troupe_Example_StockQuery.with { $0.sku = "apple" }
        let bytes = try query.wirePayload()
        #expect(bytes == (try query.serializedBytes() as [UInt8]))
        #expect(bytes == [0x0A, 0x05] + Array("apple".utf8), "field 1, length-delimited, 5 bytes")
        #expect(try Troupe_Example_StockQuery(wirePayload: bytes) == query)

        let change = Troupe_Example_StockChange.with { $0.sku = "pear"; $0.delta = -1 }
        let encoded = try BinaryEncoder().encode(change)
        #expect(try BinaryDecoder().decode(Troupe_Example_StockChange.self, from: encoded) == change)
        let message = Warehouse.Message.apply(change, note: "sale")
        let decoded = try BinaryDecoder().decode(Warehouse.Message.self, from: try BinaryEncoder().encode(message))
        guard case .apply(let decodedChange, let note) = decoded else {
            Issue.record("decoded \(decoded)")
            return
        }
        #expect(decodedChange == change && note == "sale")
    }

    @Test("bytes that are not a valid protobuf message fail the ask with notSerializable; nothing traps")
    func invalidBytes() async throws {
        let simulation = Simulation(seed: 3)
        try await simulation.run {
            let nodes = try await ProtobufNodes.make(simulation)
            let raw = nodes.network.makeTransport(address: NodeAddress(systemName: "raw", host: "memory", port: 3))
            let recorder = TransportRecorder()
            try await raw.start(delegate: recorder)
            let garbage: [[UInt8]] = [[0xFF, 0xFF, 0xFF], [0x0A, 0x7F], [0x12]]
            for (index, payload) in garbage.enumerated() {
                try raw.send(
                    WireEnvelope(
                        kind: .ask, recipient: "inventory", messageType: MessageTypeID(name: Inventory.messageTypeName),
                        correlationID: UInt64(index + 1), payload: payload),
                    to: nodes.b.address)
            }
            let replies = try await recorder.waitForEnvelopes(count: 3, from: nodes.b.address)
            for reply in replies {
                #expect(reply.kind == .failure)
                let failure = try BinaryDecoder().decode(Failure.self, from: reply.payload)
                #expect(failure.code == "notSerializable")
            }
            // The node still serves.
            let inventory = try nodes.a.ref(Inventory.self, name: "inventory", on: nodes.b.address)
            let level = try await inventory.ask(Troupe_Example_StockQuery.with { $0.sku = "pear" }, returning: Troupe_Example_StockLevel.self)
            #expect(level.count == 0)
        }
    }
}

/// The shape of a failure reply on the wire (code name and message).
private struct Failure: Decodable {
    var code: String
    var message: String
}
